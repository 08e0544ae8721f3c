namespace Pneumo.Inference;

/// <summary>What computes a model's probabilities (an <see cref="IScorer"/>) and the feature maps explanations come from.</summary>
public enum InferenceEngine
{
    /// <summary>
    /// The TorchSharp model for everything (<see cref="Predictor"/>), one call at a time (TorchSharp modules do not run
    /// concurrently): the probability (with test-time augmentation), then, for an explanation, a second forward pass and
    /// the gradient.
    /// </summary>
    TorchSharp,

    /// <summary>
    /// The model's ONNX graph (<see cref="InferenceGraph"/>: preprocessing, network, test-time augmentation, sigmoid and
    /// calibration, plus the feature map) in ONNX Runtime (<see cref="OnnxScorer"/>), which runs requests concurrently,
    /// one thread each; an explanation needs only the gradient of the small head at that feature map, in TorchSharp.
    /// Probabilities equal <see cref="TorchSharp"/>'s to 1e-4 (tested). Architectures without an ONNX graph
    /// (<c>onnx-frozen</c>) fall back to <see cref="TorchSharp"/> (<see cref="IScorer.Create"/>).
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
