namespace Pneumo.Persistence;

/// <summary>
/// How far one set of probabilities of PNEUMONIA can be taken at their word on an evaluated split: the expected
/// calibration error, the Brier score and the log-loss, each with its 95% bootstrap interval (resampling images), and
/// the reliability bins they come from.
/// </summary>
/// <remarks>
/// The ECE's percentile interval usually sits above its estimate: resampling adds noise to the sparse middle bins, and
/// noise widens a bin's |gap| more often than it narrows it. Compare two sets of probabilities on the same resamples (as evaluate does for the
/// uncalibrated and calibrated ones) rather than reading that interval as centred on the truth.
/// </remarks>
/// <param name="ExpectedCalibrationError">Sum over equal-width bins of (bin share) x |fraction PNEUMONIA - mean probability|; 0 is perfect.</param>
/// <param name="BrierScore">Mean squared difference between probability and label; 0 is perfect, 0.25 always saying 0.5.</param>
/// <param name="LogLoss">Mean negative log-likelihood (natural log); 0 is perfect, 0.693 always saying 0.5.</param>
/// <param name="Reliability">The bins of the reliability diagram (count, mean probability, fraction PNEUMONIA).</param>
public sealed record ProbabilityQuality(ConfidenceInterval ExpectedCalibrationError, ConfidenceInterval BrierScore, ConfidenceInterval LogLoss,
                                        IReadOnlyList<CalibrationBin> Reliability)
{
    /// <summary>The temperature that turned the network's probabilities into these; null for the network's own.</summary>
    public double? Temperature { get; init; }
}
