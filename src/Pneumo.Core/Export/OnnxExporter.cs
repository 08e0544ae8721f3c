using Google.Protobuf;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;

namespace Pneumo.Export;

/// <summary>
/// Writes a trained model as a self-contained ONNX file: the graph ONNX Runtime scores with (<see cref="InferenceGraph"/>:
/// preprocessing, network, test-time augmentation, sigmoid and calibration, with the model's metadata), as it is or
/// quantised to int8 (<see cref="Int8Quantization"/>).
/// </summary>
public static class OnnxExporter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically); with <paramref name="int8"/>, quantised and calibrated on its images.</summary>
    public static void Export(ModelDirectory model, string path, Int8Calibration? int8 = null, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var proto = InferenceGraph.Build(model.Model, model.Metadata, model.Version);
        if (int8 is not null) proto = Int8Quantization.Quantize(proto, int8, progress, cancel);
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            proto.WriteTo(stream);
        });
    }
}
