namespace Pneumo.Diagnosis;

/// <summary>What computes a <see cref="Diagnoser"/>'s probabilities and the feature maps its explanations come from.</summary>
public enum InferenceEngine
{
    /// <summary>
    /// The TorchSharp model for everything, under the diagnoser's one lock (TorchSharp modules do not run concurrently):
    /// the probability (with test-time augmentation), then, for an explanation, a second forward pass and the gradient.
    /// </summary>
    TorchSharp,

    /// <summary>
    /// The model's exported ONNX graph (<c>Export.OnnxExporter</c>: preprocessing, network, test-time augmentation and
    /// sigmoid, plus the feature map) in ONNX Runtime, which runs requests concurrently, one thread each; an explanation
    /// needs only the gradient of the small head at that feature map, in TorchSharp under the lock. Probabilities
    /// equal <see cref="TorchSharp"/>'s to 1e-4 (tested). Architectures without an ONNX graph (<c>onnx-frozen</c>)
    /// fall back to <see cref="TorchSharp"/>.
    /// </summary>
    OnnxRuntime,
}

/// <summary>The names of <see cref="InferenceEngine"/> on the command line, in /health and in results.</summary>
public static class InferenceEngines
{
    public const string TorchName = "torch";
    public const string OnnxName = "onnx";

    public static string Name(this InferenceEngine engine) => engine == InferenceEngine.OnnxRuntime ? OnnxName : TorchName;

    /// <summary>Parses <c>torch</c> or <c>onnx</c> (case-insensitive); null for anything else.</summary>
    public static InferenceEngine? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        TorchName or "torchsharp" => InferenceEngine.TorchSharp,
        OnnxName or "onnxruntime" or "ort" => InferenceEngine.OnnxRuntime,
        _ => null,
    };
}
