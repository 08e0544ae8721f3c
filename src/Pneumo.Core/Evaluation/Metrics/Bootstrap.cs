using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>Percentile bootstrap confidence intervals over images (resampled with replacement, seeded).</summary>
public static class Bootstrap
{
    public const int DefaultResamples = 2000;

    /// <summary>The headline metrics (<see cref="MetricRegistry"/>) at a fixed threshold, each with its interval.</summary>
    /// <remarks>
    /// Each resample draws n images with replacement and recomputes every metric on it; the interval is the
    /// (1-level)/2 and (1+level)/2 quantiles of the resampled values. Resamples where a metric is undefined (AUC with
    /// one class, see <see cref="IMetric.IsDefined"/>) are left out of that metric's quantiles.
    /// </remarks>
    public static Dictionary<string, ConfidenceInterval> HeadlineMetrics(
        IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold,
        int resamples = DefaultResamples, int seed = 0, double level = 0.95)
    {
        var metrics = MetricRegistry.Headline;
        var estimate = MetricInput.At(labels, scores, threshold);
        var samples = metrics.Select(_ => new List<double>(resamples)).ToArray();
        var random = new Random(seed);
        int n = labels.Count;
        var l = new int[n];
        var s = new double[n];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = random.Next(n);
                l[i] = labels[k];
                s[i] = scores[k];
            }
            var input = MetricInput.At(l, s, threshold);
            for (int j = 0; j < metrics.Count; j++)
            {
                double v = metrics[j].Compute(input);
                if (metrics[j].IsDefined(input, v)) samples[j].Add(v);
            }
        }
        return metrics.Select((m, j) => (m.Name, Interval: Interval(m.Compute(estimate), samples[j], level)))
                      .ToDictionary(x => x.Name, x => x.Interval);
    }

    /// <summary>Any statistic of (label, score) pairs (e.g. the expected calibration error) with its interval.</summary>
    /// <remarks>Resamples where the statistic is not finite (e.g. AUC with one class) are left out of the quantiles.</remarks>
    public static ConfidenceInterval Statistic(IReadOnlyList<int> labels, IReadOnlyList<double> scores,
                                               Func<IReadOnlyList<int>, IReadOnlyList<double>, double> statistic,
                                               int resamples = DefaultResamples, int seed = 0, double level = 0.95)
    {
        ConfusionMatrix.Check(labels, scores);
        var random = new Random(seed);
        int n = labels.Count;
        var l = new int[n];
        var s = new double[n];
        var values = new List<double>(resamples);
        for (int b = 0; b < resamples && n > 0; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = random.Next(n);
                l[i] = labels[k];
                s[i] = scores[k];
            }
            double v = statistic(l, s);
            if (double.IsFinite(v)) values.Add(v);
        }
        return Interval(n == 0 ? double.NaN : statistic(labels, scores), values, level);
    }

    /// <summary>A proportion (e.g. the sensitivity within one subgroup) with its bootstrap interval.</summary>
    public static ConfidenceInterval Proportion(IReadOnlyList<bool> outcomes, int resamples = DefaultResamples, int seed = 0, double level = 0.95)
    {
        int n = outcomes.Count;
        if (n == 0) return new ConfidenceInterval(double.NaN, double.NaN, double.NaN, level);
        var random = new Random(seed);
        var values = new List<double>(resamples);
        for (int b = 0; b < resamples; b++)
        {
            int hits = 0;
            for (int i = 0; i < n; i++) if (outcomes[random.Next(n)]) hits++;
            values.Add((double)hits / n);
        }
        return Interval((double)outcomes.Count(o => o) / n, values, level);
    }

    /// <summary>The percentile interval of <paramref name="values"/> around <paramref name="estimate"/>.</summary>
    public static ConfidenceInterval Interval(double estimate, List<double> values, double level)
    {
        if (values.Count == 0) return new ConfidenceInterval(estimate, double.NaN, double.NaN, level);
        values.Sort();
        return new ConfidenceInterval(estimate, Quantile(values, (1 - level) / 2), Quantile(values, (1 + level) / 2), level);
    }

    /// <summary>Linear-interpolated quantile of sorted values (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
