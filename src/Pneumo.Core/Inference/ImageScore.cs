namespace Pneumo.Inference;

/// <summary>One image's probability of PNEUMONIA and, when the engine computed it on the way, its feature map.</summary>
/// <param name="Probability">As the scorer's <see cref="ScoringDefinition"/> says (calibrated when it has a calibration).</param>
/// <param name="Features">The feature map Grad-CAM explains (the un-mirrored image's), [C, h, w] row-major; null = not computed.</param>
/// <param name="FeatureShape">[C, h, w] of <paramref name="Features"/>.</param>
public sealed record ImageScore(double Probability, float[]? Features = null, long[]? FeatureShape = null)
{
    /// <summary>A model of several classes: each class's probability (NORMAL, BACTERIAL, VIRAL; uncalibrated); null for one output.</summary>
    public double[]? Classes { get; init; }
}
