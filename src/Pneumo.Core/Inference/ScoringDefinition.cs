using Pneumo.Data;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>
/// What scoring an image means for a model, the one description every engine follows (<see cref="Predictor"/> in
/// TorchSharp, <see cref="InferenceGraph"/> in ONNX Runtime): the preprocessing steps, the network on each test-time
/// view, the mean of the views' probabilities, then the calibration.
/// </summary>
/// <param name="Preprocessing">The settings; <see cref="PreprocessingStep.Of"/> says what they do, in order.</param>
/// <param name="Views">The test-time views, the original first (<see cref="ImageViews"/>).</param>
/// <param name="Calibration">Temperature scaling of the averaged probability; null = the network's probabilities as they are.</param>
public sealed record ScoringDefinition(Preprocessing Preprocessing, IReadOnlyList<ImageView> Views, ScoreCalibration? Calibration)
{
    /// <summary>As a saved model says; without its calibration unless <paramref name="calibrated"/>.</summary>
    public static ScoringDefinition Of(ModelMetadata metadata, bool calibrated = true) =>
        new(metadata.Preprocessing, ImageViews.Of(metadata.TestTimeAugmentation), calibrated ? metadata.Calibration : null);
}
