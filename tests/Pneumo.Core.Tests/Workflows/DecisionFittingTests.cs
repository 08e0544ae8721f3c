using System.Globalization;
using Pneumo.Data.Transforms;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Workflows;

public class DecisionFittingTests
{
    /// <summary>An over-confident model's validation passes: the plain pass nearly separable, the perturbed ones overlapping.</summary>
    private static PerturbedValidation Passes()
    {
        var random = new Random(5);
        var labels = Enumerable.Range(0, 400).Select(i => i < 100 ? 0 : 1).ToList();
        var paths = labels.Select((l, i) => $"train/{(l == 1 ? "PNEUMONIA" : "NORMAL")}/{i}.jpeg").ToList();
        var passes = new List<(string, Predictions)>();
        foreach (var (perturbation, index) in AcquisitionPerturbation.Battery.Select((p, i) => (p, i)))
        {
            double spread = index == 0 ? 2.5 : 4.5;
            var scores = labels.Select(l => ScoreCalibration.Sigmoid(3 * ((l == 1 ? 2.5 : -2.5) + (random.NextDouble() - 0.5) * 2 * spread))).ToList();
            passes.Add((perturbation.Name, new Predictions(paths, labels, scores)));
        }
        return new PerturbedValidation(passes);
    }

    private static ModelMetadata Metadata() => new() { Architecture = "szanet", Preprocessing = Preprocessing.UnitScale(true) };

    [Fact]
    public void FitsTheTemperatureFirstThenEveryRuleAndTheReferralOnTheCalibratedScale()
    {
        var passes = Passes();
        var lines = new List<string>();
        var fitted = DecisionFitting.Fit(Metadata(), passes, coverage: 0.9, rule: ThresholdRule.Sensitivity(0.97), log: lines.Add);
        var c = fitted.Calibration!;
        Assert.True(c.Temperature > 1.5, $"an over-confident model's temperature softens its scores (T {c.Temperature})");
        Assert.True(c.LogLossAfter < c.LogLossBefore && c.EceAfter < c.EceBefore);
        Assert.Equal(passes.PooledLabels.Count, c.Samples);
        Assert.Equal(["default", "youden", "perturbed", "sensitivity:0.95", "sensitivity:0.97", "sensitivity:0.99"], fitted.Thresholds.Keys);
        Assert.Equal(ThresholdRule.Sensitivity(0.97), fitted.ThresholdMethod);
        Assert.Equal(fitted.Thresholds["sensitivity:0.97"], fitted.Threshold);
        // The screening rule holds on the calibrated pooled scores it was fitted on.
        var pooled = passes.PooledScores.Select(c.Apply).ToList();
        Assert.True(BinaryMetrics.Compute(passes.PooledLabels, pooled, fitted.Threshold).Sensitivity >= 0.97);
        Assert.True(fitted.Thresholds["sensitivity:0.99"] <= fitted.Thresholds["sensitivity:0.95"]);
        // Referral: each class's pooled coverage at least the target (it is the fit's own data).
        var r = fitted.Referral!;
        var labels = passes.PooledLabels;
        double normal = Enumerable.Range(0, labels.Count).Where(i => labels[i] == 0).Average(i => r.IncludesNormal(pooled[i]) ? 1.0 : 0);
        double sick = Enumerable.Range(0, labels.Count).Where(i => labels[i] == 1).Average(i => r.IncludesPneumonia(pooled[i]) ? 1.0 : 0);
        Assert.InRange(normal, 0.9, 1);
        Assert.InRange(sick, 0.9, 1);
        Assert.Equal(fitted.Thresholds.Keys, fitted.Validation!.Keys);
        Assert.Contains(lines, l => l.StartsWith("calibration: temperature"));
        Assert.Contains(lines, l => l.StartsWith("referral at coverage 0.90"));
        // The log states the same per-class coverage (the protocol's guard reads it there).
        Assert.Contains(lines, l => l == string.Create(CultureInfo.InvariantCulture,
            $"  per-class coverage on the pooled validation scores: NORMAL {normal:F4}, PNEUMONIA {sick:F4} (the fit's own data: a check of the fit)"));
    }

    [Fact]
    public void WithoutARuleTheModelKeepsItsOwnAndTheCsvRoundTrips()
    {
        var passes = Passes();
        var fitted = DecisionFitting.Fit(Metadata() with { ThresholdMethod = ThresholdRule.Perturbed }, passes);
        Assert.Equal(ThresholdRule.Perturbed, fitted.ThresholdMethod);
        Assert.Equal(DecisionFitting.DefaultCoverage, fitted.Referral!.Coverage);
        var csv = Path.Combine(Path.GetTempPath(), $"pneumo-perturbed-{Guid.NewGuid():N}.csv");
        try
        {
            passes.WriteCsv(csv);
            var read = PerturbedValidation.ReadCsv(csv);
            Assert.Equal(passes.Passes.Select(p => p.Perturbation), read.Passes.Select(p => p.Perturbation));
            Assert.Equal(passes.PooledScores, read.PooledScores);
            Assert.Equal(Json.Serialize(fitted), Json.Serialize(DecisionFitting.Fit(Metadata() with { ThresholdMethod = ThresholdRule.Perturbed }, read)));
        }
        finally { File.Delete(csv); }
    }
}
