using Onnx;
using Pneumo.Persistence;

namespace Pneumo.Export;

/// <summary>
/// Static int8 quantisation of an inference graph: batch norms folded into the convolutions (<see cref="BatchNormFolding"/>),
/// activation ranges calibrated on images (<see cref="ActivationRanges"/>), then the QDQ graph (<see cref="QdqQuantizer"/>),
/// which ONNX Runtime runs with integer kernels.
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
        var model = floatModel.Clone();
        int folded = BatchNormFolding.Fold(model.Graph);
        var plan = QdqQuantizer.Plan(model.Graph);
        var ranges = ActivationRanges.Collect(model, plan.Select(p => p.Tensor).ToList(), calibration.Images, progress, cancel);
        QdqQuantizer.Apply(model.Graph, plan, ranges);
        var description = new Dictionary<string, object>
        {
            ["scheme"] = "static int8, QDQ: weights symmetric int8 per output channel, activations asymmetric uint8 per tensor, biases int32",
            ["quantized_tensors"] = plan.Count,
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
