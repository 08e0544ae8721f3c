using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pneumo.Data;
using Pneumo.Export;
using Pneumo.Inference;

namespace Pneumo.Diagnosis;

/// <summary>
/// One model's exported ONNX graph (<see cref="OnnxExporter.Build"/> with the feature map as an extra output) in an
/// ONNX Runtime session: the probability of PNEUMONIA of a decoded image, with the model's own preprocessing and
/// test-time augmentation, and the image's feature map for Grad-CAM. Thread-safe: the session runs calls concurrently.
/// </summary>
internal sealed class OnnxScorer : IDisposable
{
    private readonly InferenceSession session;
    private readonly int size;

    /// <param name="model">A loaded model whose architecture writes an ONNX graph.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads per call: 1 lets concurrent requests take one core each.</param>
    /// <exception cref="UserError">The architecture has no ONNX graph.</exception>
    public OnnxScorer(ModelDirectory model, int threads = 1)
    {
        size = model.Metadata.Preprocessing.InputSize;
        var proto = OnnxExporter.Build(model.Model, model.Metadata, model.Version, withFeatures: true);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(proto.ToByteArray(), options);
    }

    /// <summary>The probability for <paramref name="image"/> (the model's input size) and, with <paramref name="features"/>, its feature map [C, h, w].</summary>
    public (double Probability, float[]? Features, long[]? Shape) Score(RgbImage image, bool features)
    {
        if (image.Width != size || image.Height != size)
            throw new ArgumentException($"image is {image.Width}x{image.Height}, the model takes {size}x{size}", nameof(image));
        var pixels = new float[image.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = image.Pixels[i];
        var input = new DenseTensor<float>(pixels, [1, 3, size, size]);
        string[] outputs = features ? [OnnxExporter.ProbabilityName, OnnxExporter.FeaturesName] : [OnnxExporter.ProbabilityName];
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, input)], outputs);
        double probability = results[0].AsTensor<float>().GetValue(0);
        if (!features) return (probability, null, null);
        var map = (DenseTensor<float>)results[1].AsTensor<float>();
        return (probability, map.Buffer.ToArray(), map.Dimensions[1..].ToArray().Select(d => (long)d).ToArray());
    }

    public void Dispose() => session.Dispose();
}
