using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>How <see cref="ProbabilityQuality"/> is computed from labels and probabilities.</summary>
public static class ProbabilityQualityComputation
{
    extension(ProbabilityQuality)
    {
        /// <summary>
        /// The expected calibration error (<see cref="Calibration"/>, <paramref name="bins"/> equal-width bins), the Brier
        /// score and the log-loss (<see cref="ProbabilityScores"/>), each with its percentile bootstrap interval over images.
        /// </summary>
        /// <remarks>
        /// The three statistics share <paramref name="seed"/>, so they are computed on the same resamples; two sets of
        /// probabilities of the same images evaluated with the same seed (uncalibrated and calibrated) are too.
        /// </remarks>
        public static ProbabilityQuality Compute(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities, int resamples = Bootstrap.DefaultResamples,
                                                 int seed = 0, int bins = Calibration.DefaultBins)
        {
            var reliability = Calibration.Compute(labels, probabilities, bins);
            return new ProbabilityQuality(
                Bootstrap.Statistic(labels, probabilities, (l, p) => Calibration.Compute(l, p, bins).ExpectedCalibrationError, resamples, seed),
                Bootstrap.Statistic(labels, probabilities, ProbabilityScores.Brier, resamples, seed),
                Bootstrap.Statistic(labels, probabilities, ProbabilityScores.LogLoss, resamples, seed),
                reliability.Bins);
        }
    }
}
