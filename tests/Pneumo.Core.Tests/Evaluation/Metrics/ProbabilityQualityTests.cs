using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class ProbabilityQualityTests
{
    [Fact]
    public void EceBrierAndLogLossWithTheirBinsByHand()
    {
        int[] labels = [1, 0, 1, 1];
        double[] p = [0.25, 0.25, 0.95, 1.0];
        var q = ProbabilityQuality.Compute(labels, p, resamples: 300, seed: 2);
        // ECE: see CalibrationTests (0.5 x 0.25 + 0.5 x 0.025).
        Assert.Equal(0.1375, q.ExpectedCalibrationError.Estimate, 12);
        // Brier: (0.75^2 + 0.25^2 + 0.05^2 + 0^2) / 4.
        Assert.Equal((0.5625 + 0.0625 + 0.0025) / 4, q.BrierScore.Estimate, 12);
        // Log-loss: -(ln 0.25 + ln 0.75 + ln 0.95 + ln(1 - 1e-7)) / 4 (1.0 kept 1e-7 from 1).
        Assert.Equal(-(Math.Log(0.25) + Math.Log(0.75) + Math.Log(0.95) + Math.Log(1 - 1e-7)) / 4, q.LogLoss.Estimate, 12);
        Assert.Equal(10, q.Reliability.Count);
        Assert.Equal(4, q.Reliability.Sum(b => b.Count));
        Assert.Equal((2, 0.5), (q.Reliability[2].Count, q.Reliability[2].FractionPositive));
        Assert.Null(q.Temperature);
        foreach (var ci in new[] { q.ExpectedCalibrationError, q.BrierScore, q.LogLoss })
            Assert.True(double.IsFinite(ci.Lower) && ci.Lower < ci.Upper, $"{ci}");
    }

    [Fact]
    public void TwoSetsOfProbabilitiesWithOneSeedAreMeasuredOnTheSameResamples()
    {
        // The same probabilities under two names: identical intervals only if both saw the same resampled images.
        var random = new Random(1);
        var labels = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? 0 : 1).ToArray();
        var p = labels.Select(l => Math.Clamp(l * 0.6 + random.NextDouble() * 0.4, 0, 1)).ToArray();
        var a = ProbabilityQuality.Compute(labels, p, resamples: 200, seed: 2);
        var b = ProbabilityQuality.Compute(labels, p.ToList(), resamples: 200, seed: 2);
        Assert.Equal(a.BrierScore, b.BrierScore);
        Assert.NotEqual(a.BrierScore, ProbabilityQuality.Compute(labels, p, resamples: 200, seed: 3).BrierScore);
    }
}
