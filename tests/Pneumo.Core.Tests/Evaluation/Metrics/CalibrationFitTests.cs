using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class TemperatureFitTests
{
    /// <summary>Labels drawn from sigmoid(z) with logits z, and the scores an over- or under-confident model would give: sigmoid(T z).</summary>
    private static (int[] Labels, double[] Scores) Synthetic(double temperature, int n, int seed)
    {
        var random = new Random(seed);
        var labels = new int[n];
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = (random.NextDouble() - 0.5) * 8;
            labels[i] = random.NextDouble() < ScoreCalibration.Sigmoid(z) ? 1 : 0;
            scores[i] = ScoreCalibration.Sigmoid(temperature * z);
        }
        return (labels, scores);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void RecoversAKnownTemperature(double temperature)
    {
        var (labels, scores) = Synthetic(temperature, 20_000, seed: 3);
        double fitted = TemperatureFit.Fit(labels, scores);
        Assert.InRange(fitted, temperature * 0.93, temperature * 1.07);
        var calibration = new ScoreCalibration(fitted, "synthetic", labels.Length);
        var calibrated = scores.Select(calibration.Apply).ToArray();
        Assert.True(ProbabilityScores.LogLoss(labels, calibrated) <= ProbabilityScores.LogLoss(labels, scores) + 1e-9);
        Assert.True(Calibration.Compute(labels, calibrated).ExpectedCalibrationError < 0.02);
    }

    [Fact]
    public void CalibrationKeepsTheOrderAndTheHalfPoint()
    {
        var c = new ScoreCalibration(2.5, "x", 1);
        Assert.Equal(0.5, c.Apply(0.5), 12);
        double[] p = [0.01, 0.2, 0.49, 0.51, 0.9, 0.999];
        var q = p.Select(c.Apply).ToArray();
        Assert.Equal(q.OrderBy(x => x), q);
        Assert.True(q[^1] < p[^1] && q[0] > p[0]);  // T > 1 softens
        Assert.True(double.IsFinite(c.Apply(1.0)) && double.IsFinite(c.Apply(0.0)));
    }

    [Fact]
    public void OneClassOrNonFiniteScoresAreRefused()
    {
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit([1, 1], [0.2, 0.8]));
        Assert.ThrowsAny<Exception>(() => TemperatureFit.Fit([0, 1], [double.NaN, 0.8]));
    }

    [Fact]
    public void BrierAndLogLossAgreeWithHandComputedValues()
    {
        Assert.Equal((0.04 + 0.09) / 2, ProbabilityScores.Brier([0, 1], [0.2, 0.7]), 12);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7)) / 2, ProbabilityScores.LogLoss([0, 1], [0.2, 0.7]), 12);
    }
}

public class ConformalFitTests
{
    [Fact]
    public void TheQuantileIsTheCeilNPlusOneTimesCoverageSmallestScore()
    {
        var scores = Enumerable.Range(1, 19).Select(i => i / 100.0).ToList();  // 0.01..0.19
        Assert.Equal(0.19, ConformalFit.Quantile(scores, 0.95), 12);            // ceil(20 x .95) = 19
        Assert.Equal(0.18, ConformalFit.Quantile(scores, 0.90), 12);            // ceil(18) = 18
        Assert.Equal(1, ConformalFit.Quantile(scores.Take(5).ToList(), 0.95));  // ceil(6 x .95) = 6 > 5: admit everything
    }

    [Fact]
    public void CoverageOnNewExchangeableDataIsWithinItsBound()
    {
        // Overlapping classes: NORMAL scores Beta-like near 0.3, PNEUMONIA near 0.7. Fit on 1,000 per class, check on 20,000 new ones.
        double Draw(Random r, double centre) => Math.Clamp(centre + (r.NextDouble() + r.NextDouble() + r.NextDouble() - 1.5) * 0.35, 0, 1);
        var fitRandom = new Random(1);
        var labels = Enumerable.Range(0, 2000).Select(i => i % 2).ToArray();
        var scores = labels.Select(l => Draw(fitRandom, l == 1 ? 0.7 : 0.3)).ToArray();
        const double coverage = 0.9;
        var (qn, qp, nn, np) = ConformalFit.Fit(labels, scores, coverage);
        Assert.Equal(1000, nn);
        Assert.Equal(1000, np);
        var rule = new ReferralRule(coverage, qn, qp, nn, np, "synthetic");
        var testRandom = new Random(2);
        int normalCovered = 0, pneumoniaCovered = 0, referred = 0;
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            double pn = Draw(testRandom, 0.3), pp = Draw(testRandom, 0.7);
            if (rule.IncludesNormal(pn)) normalCovered++;
            if (rule.IncludesPneumonia(pp)) pneumoniaCovered++;
            if (rule.Refers(pn, pn >= 0.5)) referred++;
        }
        // Split-conformal coverage lies in [1 - a, 1 - a + 1/(n + 1)] in expectation; allow the sampling noise of the check and the fit.
        Assert.InRange(normalCovered / (double)n, coverage - 0.02, coverage + 0.02);
        Assert.InRange(pneumoniaCovered / (double)n, coverage - 0.02, coverage + 0.02);
        Assert.InRange(referred / (double)n, 0.05, 0.95);  // overlapping classes: some images are referred, not all
    }

    [Fact]
    public void ReferralDecidesOnlyWhenTheSetIsExactlyTheThresholdsLabel()
    {
        var rule = new ReferralRule(0.95, NormalQuantile: 0.3, PneumoniaQuantile: 0.2, 10, 10, "x");  // NORMAL if p <= .3, PNEUMONIA if p >= .8
        Assert.False(rule.Refers(0.1, pneumonia: false));
        Assert.False(rule.Refers(0.9, pneumonia: true));
        Assert.True(rule.Refers(0.5, pneumonia: false));   // neither label
        Assert.True(rule.Refers(0.5, pneumonia: true));
        Assert.True(rule.Refers(0.9, pneumonia: false));   // the set says PNEUMONIA, the threshold NORMAL: refer
        var wide = new ReferralRule(0.95, NormalQuantile: 0.7, PneumoniaQuantile: 0.6, 10, 10, "x");  // both labels for p in [.4, .7]
        Assert.True(wide.Refers(0.5, pneumonia: true));
        Assert.False(wide.Refers(0.8, pneumonia: true));
    }
}
