using Pneumo.Imaging;

namespace Pneumo.Inference;

/// <summary>
/// Scores decoded images with one model, in one engine: <see cref="Predictor"/> (TorchSharp) or <see cref="OnnxScorer"/>
/// (ONNX Runtime). Both follow the model's <see cref="ScoringDefinition"/>, so they give the same probabilities to
/// float rounding (1e-4, tested).
/// </summary>
/// <remarks>
/// Images are RGB at the model's input size (<see cref="Persistence.Preprocessing.InputSize"/>). Calibration: each
/// engine applies the definition's temperature as it always has (TorchSharp in double precision after the mean of the
/// views, ONNX Runtime inside the graph, the logit divided by T in float32).
/// </remarks>
public interface IScorer
{
    InferenceEngine Engine { get; }

    /// <summary>What the scorer computes: preprocessing, test-time views, calibration.</summary>
    ScoringDefinition Definition { get; }

    /// <summary>Whether calls may run concurrently (ONNX Runtime); when false (TorchSharp modules) the caller serialises them.</summary>
    bool Concurrent { get; }

    /// <summary>The probability of PNEUMONIA of each image.</summary>
    double[] Score(IReadOnlyList<RgbImage> images);

    /// <summary>One image's probability and, when <paramref name="features"/> and the engine computes it on the way (ONNX Runtime), its feature map.</summary>
    ImageScore Score(RgbImage image, bool features);

    /// <summary>
    /// <see cref="Score(RgbImage, bool)"/> for several images in one call of the engine (a micro-batch of requests):
    /// each image's score is the one it gets alone (to float rounding; images do not interact in evaluation mode).
    /// </summary>
    ImageScore[] Score(IReadOnlyList<RgbImage> images, bool features);

    /// <summary>
    /// The scorer of a loaded model in <paramref name="engine"/>, calibrated as the model says unless
    /// <paramref name="calibrated"/> is false; an ONNX Runtime scorer runs each call on <paramref name="threads"/> threads.
    /// An architecture without an ONNX graph (<c>onnx-frozen</c>) stays in TorchSharp with <see cref="InferenceEngine.OnnxRuntime"/>;
    /// <see cref="InferenceEngine.OnnxRuntimeInt8"/> never falls back. The caller disposes a scorer that is <see cref="IDisposable"/>.
    /// </summary>
    /// <exception cref="UserError">int8 was asked for and the model has no int8 calibration, or no ONNX graph.</exception>
    static IScorer Create(ModelDirectory model, InferenceEngine engine, bool calibrated = true, int threads = 1)
    {
        if (engine == InferenceEngine.OnnxRuntimeInt8) return OnnxScorer.For(model, calibrated, threads, int8: true);
        if (engine == InferenceEngine.OnnxRuntime)
        {
            try { return OnnxScorer.For(model, calibrated, threads); }
            catch (UserError) { }  // no ONNX graph for this architecture
        }
        return Predictor.For(model, calibrated);
    }
}
