using Google.Protobuf;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Export;

/// <summary>
/// Writes a trained model as a self-contained ONNX file: the graph ONNX Runtime scores with (<see cref="InferenceGraph"/>:
/// preprocessing, network, test-time augmentation, sigmoid and calibration, with the model's metadata), as it is.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically).</summary>
    public static void Export(ModelDirectory model, string path)
    {
        var proto = InferenceGraph.Build(model.Model, model.Metadata, model.Version);
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            proto.WriteTo(stream);
        });
    }
}
