using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>The mean of numbers with its percentile bootstrap interval (seeded), leaving out values that are not finite.</summary>
public static class MeanInterval
{
    public static ConfidenceInterval Of(IEnumerable<double> values, int resamples, int seed, double level = 0.95)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return new ConfidenceInterval(double.NaN, double.NaN, double.NaN, level);
        var labels = new int[finite.Count];
        return Bootstrap.Statistic(labels, finite, (_, v) => v.Average(), resamples, seed, level);
    }
}
