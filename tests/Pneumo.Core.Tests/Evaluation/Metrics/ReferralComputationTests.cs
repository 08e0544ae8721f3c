using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class ReferralComputationTests
{
    /// <summary>NORMAL in the set when p &lt;= 0.3, PNEUMONIA when p &gt;= 0.8 (1 - 0.2).</summary>
    private static readonly ReferralRule Rule = new(0.9, NormalQuantile: 0.3, PneumoniaQuantile: 0.2, 10, 10, "hand-made");

    [Fact]
    public void CoverageReferralAndDecidedMetricsCountedByHand()
    {
        // NORMAL:    0.10 {N} TN,  0.25 {N} TN,  0.50 {} REFER,  0.85 {P} FP       -> covered 2 of 4, referred 1
        // PNEUMONIA: 0.90 {P} TP,  0.95 {P} TP,  0.60 {} REFER,  0.20 {N} FN       -> covered 2 of 4, referred 1
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1];
        double[] p = [0.10, 0.25, 0.50, 0.85, 0.90, 0.95, 0.60, 0.20];
        var r = ReferralResult.Compute(labels, p, threshold: 0.5, Rule, resamples: 500, seed: 4);

        Assert.Equal((8, 4, 4), (r.N, r.NormalImages, r.PneumoniaImages));
        Assert.Equal((2, 2), (r.NormalCovered, r.PneumoniaCovered));
        Assert.Equal((2, 1, 1, 6), (r.Referred, r.ReferredNormal, r.ReferredPneumonia, r.Decided));
        Assert.Equal((2, 1, 2, 1), (r.DecidedTp, r.DecidedFp, r.DecidedTn, r.DecidedFn));
        Assert.Equal(0.5, r.NormalCoverage.Estimate);
        Assert.Equal(0.5, r.PneumoniaCoverage.Estimate);
        Assert.Equal(2 / 8.0, r.ReferralRate.Estimate);
        Assert.Equal(4 / 6.0, r.DecidedAccuracy.Estimate, 12);
        Assert.Equal(2 / 3.0, r.DecidedSensitivity.Estimate, 12);
        Assert.Equal(2 / 3.0, r.DecidedSpecificity.Estimate, 12);
        Assert.Equal((0.9, 0.3, 0.2, 0.5), (r.CoverageTarget, r.NormalQuantile, r.PneumoniaQuantile, r.Threshold));
        foreach (var ci in new[] { r.NormalCoverage, r.PneumoniaCoverage, r.ReferralRate, r.DecidedAccuracy, r.DecidedSensitivity, r.DecidedSpecificity })
        {
            Assert.InRange(ci.Lower, 0, ci.Estimate);
            Assert.InRange(ci.Upper, ci.Estimate, 1);
            Assert.True(ci.Upper > ci.Lower, "eight images leave room for doubt");
            Assert.Equal(0.95, ci.Level);
        }
        // Seeded: the same call gives the same intervals.
        Assert.Equal(Json.Serialize(r), Json.Serialize(ReferralResult.Compute(labels, p, 0.5, Rule, resamples: 500, seed: 4)));
    }

    [Fact]
    public void BothLabelsOrASetThatDisagreesWithTheThresholdIsReferred()
    {
        // Overlapping sets: NORMAL when p <= 0.6, PNEUMONIA when p >= 0.4.
        var overlapping = new ReferralRule(0.95, 0.6, 0.6, 10, 10, "hand-made");
        var r = ReferralResult.Compute([0, 1, 1], [0.3, 0.45, 0.7], 0.5, overlapping, resamples: 100);
        Assert.Equal(1, r.Referred);  // 0.45 has both labels
        Assert.Equal((1, 1), (r.DecidedTn, r.DecidedTp));

        // A low screening threshold (0.2): p = 0.25 has the set {NORMAL} but the threshold calls it PNEUMONIA.
        var s = ReferralResult.Compute([0, 0], [0.1, 0.25], 0.2, Rule, resamples: 100);
        Assert.Equal((1, 1, 1), (s.Referred, s.DecidedTn, s.NormalCovered - 1));
        Assert.Equal(EvaluationPredictions.Refer, EvaluationPredictions.Decide(0.25, 0.2, Rule));
        Assert.Equal(EvaluationPredictions.Normal, EvaluationPredictions.Decide(0.1, 0.2, Rule));
    }

    [Fact]
    public void ARateOverNoImageIsNaNNotZero()
    {
        // Every PNEUMONIA image referred: sensitivity among the decided is undefined.
        var r = ReferralResult.Compute([0, 1, 1], [0.1, 0.5, 0.6], 0.5, Rule, resamples: 100);
        Assert.Equal(0, r.DecidedTp + r.DecidedFn);
        Assert.True(double.IsNaN(r.DecidedSensitivity.Estimate));
        Assert.True(double.IsNaN(r.DecidedSensitivity.Lower));
        Assert.Equal(1.0, r.DecidedSpecificity.Estimate);
    }

    [Fact]
    public void WithoutAReferralRuleTheDecisionIsTheThresholdsLabel()
    {
        Assert.Equal(EvaluationPredictions.Pneumonia, EvaluationPredictions.Decide(0.5, 0.5, null));
        Assert.Equal(EvaluationPredictions.Normal, EvaluationPredictions.Decide(0.4999, 0.5, null));
        Assert.Equal(EvaluationPredictions.Pneumonia, EvaluationPredictions.Decide(0.9, 0.5, Rule));
    }
}
