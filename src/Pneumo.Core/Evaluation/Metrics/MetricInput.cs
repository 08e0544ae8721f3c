using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>What every metric is computed from: the (label, score) pairs, the threshold and the counts at it.</summary>
/// <remarks>
/// The counts are made once per input (once per bootstrap resample) and shared by every metric, so a registry of
/// count-based metrics costs one pass over the images, not one per metric. Labels are 0 or 1 (1 = PNEUMONIA) and
/// scores finite, as <see cref="At"/> checks.
/// </remarks>
public sealed record MetricInput(IReadOnlyList<int> Labels, IReadOnlyList<double> Scores, double Threshold, ConfusionMatrix Counts)
{
    /// <summary>The input at <paramref name="threshold"/> (<c>score &gt;= threshold</c> = positive).</summary>
    /// <exception cref="ArgumentException">Labels are not 0 or 1, or not as many as the scores.</exception>
    public static MetricInput At(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold) =>
        new(labels, scores, threshold, ConfusionMatrix.At(labels, scores, threshold));
}
