using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class ThresholdSelectorTests
{
    [Fact]
    public void SeparableScoresGiveTheMiddleOfTheGap()
    {
        // negatives up to .3, positives from .7: every threshold in (.3, .7] has J = 1; the middle is .5.
        double t = ThresholdSelector.Youden([0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.9]);
        Assert.Equal(0.5, t, 12);
    }

    [Fact]
    public void AmongEqualJCutsTheWidestGapWins()
    {
        // labels 1 1 0 1 0 0, scores .95 .8 .7 .6 .4 .1 (3 positives, 3 negatives). J by cut:
        // >=.95: 1/3-0 = .33; >=.8: 2/3-0 = .67; >=.7: 2/3-1/3 = .33; >=.6: 1-1/3 = .67; >=.4: 1-2/3 = .33.
        // J = 2/3 at >=.8 (same decisions for t in (.7, .8], width .1) and at >=.6 (t in (.4, .6], width .2): t = .5.
        double t = ThresholdSelector.Youden([1, 1, 0, 1, 0, 0], [0.95, 0.8, 0.7, 0.6, 0.4, 0.1]);
        Assert.Equal(0.5, t, 12);
    }

    [Fact]
    public void ChosenThresholdReachesTheBestJOfAnyCut()
    {
        var random = new Random(7);
        var labels = Enumerable.Range(0, 200).Select(_ => random.Next(2)).ToArray();
        var scores = labels.Select(l => Math.Clamp(0.5 + (l - 0.5) * 0.4 + (random.NextDouble() - 0.5) * 0.8, 0, 1)).ToArray();
        double t = ThresholdSelector.Youden(labels, scores);
        var chosen = ConfusionMatrix.At(labels, scores, t);
        double bestJ = scores.Distinct().Max(s => { var cm = ConfusionMatrix.At(labels, scores, s); return cm.Sensitivity + cm.Specificity - 1; });
        Assert.Equal(bestJ, chosen.Sensitivity + chosen.Specificity - 1, 9);
    }

    [Fact]
    public void ChooseRunsTheNamedRuleAndRefusesAnUnknownOne()
    {
        int[] labels = [0, 0, 0, 1, 1];
        double[] scores = [0.1, 0.2, 0.3, 0.7, 0.9];
        Assert.Equal(0.2, ThresholdSelector.Choose(ThresholdRule.Youden, labels, [0.05, 0.1, 0.15, 0.25, 0.9]), 12);  // the middle of the gap (.15, .25]
        Assert.Equal(ThresholdSelector.Default, ThresholdSelector.Choose(ThresholdRule.Default, labels, [0.05, 0.1, 0.15, 0.25, 0.9]));
        Assert.Equal(ThresholdSelector.Youden(labels, scores), ThresholdSelector.Choose(ThresholdRule.Youden, labels, scores));
        var e = Assert.Throws<UserError>(() => ThresholdRule.Parse("f1", "--threshold-rule"));
        Assert.Equal($"--threshold-rule must be {ThresholdRule.Accepted}, not 'f1'", e.Message);
        Assert.Equal(ThresholdRule.Youden, ThresholdRule.Parse("Youden", "--threshold-rule"));
    }
    [Fact]
    public void ThePerturbedRuleNeedsPooledPredictionsAndIsTheirYoudenPoint()
    {
        Assert.Throws<ArgumentException>(() => ThresholdSelector.Choose(ThresholdRule.Perturbed, [0, 1], [0.2, 0.8]));
        Assert.False(ThresholdSelector.NeedsOnlyValidation(ThresholdRule.Perturbed));
        Assert.True(ThresholdSelector.NeedsOnlyValidation(ThresholdRule.Youden));
        // Plain validation separable with a wide gap (Youden .5); under a perturbation the NORMAL scores rise to .55-.65:
        // pooled, the cut moves above them, where the classes still separate best.
        int[] labels = [0, 0, 1, 1, 0, 0, 1, 1];
        double[] scores = [0.1, 0.2, 0.8, 0.9, 0.55, 0.65, 0.75, 0.95];
        Assert.Equal(0.5, ThresholdSelector.Youden(labels[..4], scores[..4]), 12);
        Assert.Equal(0.7, ThresholdSelector.Perturbed(labels, scores), 12);
    }

    [Fact]
    public void TheSensitivityRuleKeepsTheTargetAndIsTheHighestSuchThreshold()
    {
        var random = new Random(11);
        var labels = Enumerable.Range(0, 400).Select(_ => random.Next(2)).ToArray();
        var scores = labels.Select(l => Math.Clamp(0.5 + (l - 0.5) * 0.5 + (random.NextDouble() - 0.5) * 0.9, 0, 1)).ToArray();
        foreach (var target in new[] { 0.9, 0.95, 0.99 })
        {
            double t = ThresholdSelector.AtSensitivity(labels, scores, target);
            Assert.True(ConfusionMatrix.At(labels, scores, t).Sensitivity >= target);
            // The next positive score above it would lose the target: no higher cut keeps it.
            double next = scores.Where((s, i) => labels[i] == 1 && s > t).Min();
            Assert.True(ConfusionMatrix.At(labels, scores, next + 1e-12).Sensitivity < target, $"target {target}: a cut above {next} still keeps it");
        }
        // 4 positives: 0.75 needs 3 of them found (ceil(3)), so the cut sits between the third (0.6) and the next score below (0.5).
        Assert.Equal(0.55, ThresholdSelector.AtSensitivity([1, 1, 1, 0, 1], [0.9, 0.8, 0.6, 0.5, 0.2], 0.75), 12);
        Assert.Equal(0.55, ThresholdSelector.ChoosePooled(ThresholdRule.Sensitivity(0.75), [1, 1, 1, 0, 1], [0.9, 0.8, 0.6, 0.5, 0.2]), 12);
        Assert.Throws<ArgumentException>(() => ThresholdSelector.Choose(ThresholdRule.Sensitivity(0.9), [0, 1], [0.2, 0.8]));
    }

    [Theory]
    [InlineData("default", "default")]
    [InlineData("YOUDEN", "youden")]
    [InlineData("perturbed", "perturbed")]
    [InlineData("sensitivity:0.97", "sensitivity:0.97")]
    [InlineData("sensitivity:.990", "sensitivity:0.99")]
    public void RulesParseToTheirNameAndRoundTripThroughJson(string text, string name)
    {
        var rule = ThresholdRule.Parse(text, "--threshold-rule");
        Assert.Equal(name, rule.Name);
        var json = Json.SerializeCompact(new Dictionary<string, ThresholdRule> { ["r"] = rule });
        Assert.Equal($"{{\"r\":\"{name}\"}}", json);
        Assert.Equal(rule, System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, ThresholdRule>>(json, Json.Options)!["r"]);
    }

    [Theory]
    [InlineData("sensitivity:1")]
    [InlineData("sensitivity:0")]
    [InlineData("sensitivity:")]
    [InlineData("sensitivity:abc")]
    [InlineData("f1")]
    public void BadRulesAreRefusedWithTheAcceptedForms(string text)
    {
        Assert.False(ThresholdRule.TryParse(text, out _));
        Assert.Contains("sensitivity:X", Assert.Throws<UserError>(() => ThresholdRule.Parse(text, "--threshold-rule")).Message);
    }
}
