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

    /// <summary>
    /// <see cref="OnnxRuntime"/> with the network quantised to int8 (QDQ; ONNX Runtime's integer kernels) at the model's
    /// calibrated activation ranges (<see cref="Int8.Int8Ranges"/>, made by <c>pneumo quantize</c>): about 3x faster on
    /// CPUs with VNNI; probabilities move by under 0.01 on average, more near the threshold (the validation comparison is kept in
    /// the calibration). Never chosen silently: a model without a calibration is refused with what to run.
    /// </summary>
    OnnxRuntimeInt8,
}

/// <summary>The names of <see cref="InferenceEngine"/> on the command line, in /health and in results.</summary>
public static class InferenceEngines
{
    public const string TorchName = "torch";
    public const string OnnxName = "onnx";
    public const string OnnxInt8Name = "onnx-int8";

    /// <summary>The names, for option descriptions and messages: "torch, onnx or onnx-int8".</summary>
    public const string Names = $"{TorchName}, {OnnxName} or {OnnxInt8Name}";

    public static string Name(this InferenceEngine engine) => engine switch
    {
        InferenceEngine.OnnxRuntime => OnnxName,
        InferenceEngine.OnnxRuntimeInt8 => OnnxInt8Name,
        _ => TorchName,
    };

    /// <summary>Whether the engine runs the network in ONNX Runtime (concurrently, from the graph).</summary>
    public static bool IsOnnx(this InferenceEngine engine) => engine is InferenceEngine.OnnxRuntime or InferenceEngine.OnnxRuntimeInt8;

    /// <summary>Parses <c>torch</c>, <c>onnx</c> or <c>onnx-int8</c> (case-insensitive); null for anything else.</summary>
    public static InferenceEngine? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        TorchName or "torchsharp" => InferenceEngine.TorchSharp,
        OnnxName or "onnxruntime" or "ort" => InferenceEngine.OnnxRuntime,
        OnnxInt8Name or "int8" => InferenceEngine.OnnxRuntimeInt8,
        _ => null,
    };
}
