using Onnx;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;

namespace Pneumo.Export;

/// <summary>
/// The int8 ONNX file: the inference graph calibrated on images and quantised (<see cref="Int8Graph"/>), with the
/// quantisation and its calibration described in the file's metadata.
/// </summary>
public static class Int8Quantization
{
    /// <summary>The metadata property that describes the quantisation and its calibration.</summary>
    public const string Property = "quantization";

    /// <summary>
    /// Folds the batch norms, quantises the convolutions, dense layers and residual additions, and writes the quantisation
    /// into its file's metadata (<see cref="Property"/>, JSON); the float graph is not changed.
    /// </summary>
    public static ModelProto Quantize(ModelProto floatModel, Int8Calibration calibration, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var ranges = Int8Graph.Calibrate(floatModel, calibration.Images, progress, cancel);
        var model = Int8Graph.Quantize(floatModel, ranges, out int folded, out int quantized);
        var description = new Dictionary<string, object>
        {
            ["scheme"] = Int8Graph.Scheme,
            ["quantized_tensors"] = quantized,
            ["batch_norms_folded"] = folded,
            ["calibration_method"] = Int8Calibration.Method,
            ["calibration_images"] = calibration.Images.Count,
            ["calibration_source"] = calibration.Source,
            ["calibration_images_sha256"] = calibration.ImagesSha256,
        };
        model.MetadataProps.Add(new StringStringEntryProto { Key = Property, Value = Json.SerializeCompact(description) });
        return model;
    }
}
