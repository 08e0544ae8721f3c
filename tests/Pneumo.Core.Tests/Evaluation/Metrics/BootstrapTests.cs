using Pneumo.Evaluation.Metrics;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class BootstrapTests
{
    [Fact]
    public void QuantileInterpolatesLikeNumpy()
    {
        double[] v = [1, 2, 3, 4, 5];
        Assert.Equal(1, Bootstrap.Quantile(v, 0));
        Assert.Equal(3, Bootstrap.Quantile(v, 0.5));
        Assert.Equal(1.1, Bootstrap.Quantile(v, 0.025), 12); // position 0.1
        Assert.Equal(5, Bootstrap.Quantile(v, 1));
    }

    [Fact]
    public void IntervalsContainTheEstimateAndAreSeeded()
    {
        var random = new Random(4);
        var labels = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? 0 : 1).ToArray();
        var scores = labels.Select(l => Math.Clamp(0.3 + 0.4 * l + (random.NextDouble() - 0.5) * 0.8, 0, 1)).ToArray();
        var a = Bootstrap.HeadlineMetrics(labels, scores, 0.5, resamples: 500, seed: 1);
        var b = Bootstrap.HeadlineMetrics(labels, scores, 0.5, resamples: 500, seed: 1);
        foreach (var (name, ci) in a)
        {
            Assert.InRange(ci.Estimate, ci.Lower, ci.Upper);
            Assert.True(ci.Upper - ci.Lower > 0.005, $"{name} interval is degenerate");
            Assert.Equal(ci, b[name]);
        }
    }

    [Fact]
    public void NinetyFivePercentIntervalsCoverTheTrueProportionAboutNinetyFivePercentOfTheTime()
    {
        // Synthetic case with a known truth: outcomes ~ Bernoulli(0.8), n = 200. Over 200 independent samples the
        // percentile interval should contain 0.8 roughly 95% of the time (binomial sd of the coverage ~1.5%).
        var random = new Random(10);
        int covered = 0, trials = 200;
        for (int t = 0; t < trials; t++)
        {
            var outcomes = Enumerable.Range(0, 200).Select(_ => random.NextDouble() < 0.8).ToList();
            var ci = Bootstrap.Proportion(outcomes, resamples: 400, seed: t);
            if (ci.Lower <= 0.8 && 0.8 <= ci.Upper) covered++;
        }
        Assert.InRange(covered / (double)trials, 0.89, 0.99);
    }

    [Fact]
    public void StatisticIntervalsCoverTheTrueAucAboutNinetyFivePercentOfTheTime()
    {
        // Scores N(1, 1) for positives and N(0, 1) for negatives: the true AUC is Phi(1 / sqrt 2) = 0.76025.
        const double trueAuc = 0.760250;
        var random = new Random(11);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        int covered = 0, trials = 150;
        for (int t = 0; t < trials; t++)
        {
            var labels = Enumerable.Range(0, 120).Select(i => i % 2).ToList();
            var scores = labels.Select(l => l + Normal()).ToList();
            var ci = Bootstrap.Statistic(labels, scores, (l, s) => RocCurve.Compute(l, s).Auc, resamples: 300, seed: t);
            Assert.Equal(RocCurve.Compute(labels, scores).Auc, ci.Estimate);
            if (ci.Lower <= trueAuc && trueAuc <= ci.Upper) covered++;
        }
        Assert.InRange(covered / (double)trials, 0.88, 0.99);
    }

    [Fact]
    public void AccuracyIntervalWidthShrinksWithMoreImages()
    {
        double Width(int n)
        {
            var labels = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
            var scores = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? 1.0 - labels[i] : labels[i]).ToArray(); // 80% right
            var ci = Bootstrap.HeadlineMetrics(labels, scores, 0.5, resamples: 500, seed: 2)["accuracy"];
            return ci.Upper - ci.Lower;
        }
        Assert.True(Width(1000) < 0.6 * Width(100));
    }

    [Fact]
    public void HeadlineIntervalsFollowTheRegistryAndItsEstimates()
    {
        var input = HeadlineMetricsTests.Input;
        var intervals = Bootstrap.HeadlineMetrics(input.Labels, input.Scores, input.Threshold, resamples: 200, seed: 3);
        Assert.Equal(MetricRegistry.Headline.Select(m => m.Name), intervals.Keys);
        foreach (var m in MetricRegistry.Headline) Assert.Equal(m.Compute(input), intervals[m.Name].Estimate);
    }
}
