namespace Pneumo.Persistence;

/// <summary>
/// The <c>calibration</c> part of <c>metrics.json</c>: the quality of the network's own probabilities
/// (<see cref="Uncalibrated"/>) and, when the model carries a calibration, of the calibrated ones users see
/// (<see cref="Calibrated"/>), measured on the same images and the same bootstrap resamples.
/// </summary>
/// <param name="Bins">The number of equal-width bins of the expected calibration error and the reliability diagram.</param>
/// <param name="Uncalibrated">The network's probabilities (the <c>uncalibrated_probability</c> column of <c>predictions.csv</c>).</param>
/// <param name="Calibrated">The calibrated probabilities (the <c>probability</c> column); null when the model has no calibration.</param>
public sealed record CalibrationResult(int Bins, ProbabilityQuality Uncalibrated, ProbabilityQuality? Calibrated)
{
    /// <summary>The probabilities users see and the thresholds apply to: the calibrated ones when there are any.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ProbabilityQuality Shown => Calibrated ?? Uncalibrated;
}
