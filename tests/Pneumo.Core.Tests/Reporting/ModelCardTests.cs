using System.Globalization;
using System.Text.Json.Nodes;
using Pneumo.Persistence;
using Pneumo.Reporting.Card;
using Xunit;

namespace Pneumo.Tests.Reporting;

/// <summary>The model card from synthetic files: a calibrated model with referral, an evaluation with sections the card does not fix, refusals.</summary>
public class ModelCardTests
{
    private static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private static BinaryMetrics Metrics(double threshold, int tp, int fp, int tn, int fn, double auc) =>
        new(tp + fp + tn + fn, auc, (tp + tn) / (double)(tp + fp + tn + fn), tp / (double)(tp + fn), tn / (double)(tn + fp),
            tp / (double)(tp + fp), 2.0 * tp / (2 * tp + fp + fn), threshold, tp, fp, tn, fn);

    /// <summary>A calibrated model with a referral rule, its operating point the screening rule, in a model directory with weights.</summary>
    private static string CalibratedModel(TempDir temp, byte[]? weights = null)
    {
        var dir = Directory.CreateDirectory(temp.Combine("models", "tiny")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "weights.pt"), weights ?? [1, 2, 3, 4]);
        var rule = ThresholdRule.Sensitivity(0.97);
        var thresholds = new Dictionary<string, double> { ["default"] = 0.5, ["youden"] = 0.4217, ["perturbed"] = 0.5583, [rule.Name] = 0.3125 };
        var metadata = new ModelMetadata
        {
            Architecture = "szanet", Preprocessing = Preprocessing.UnitScale(true), WeightsSha256 = FileHash.Sha256(Path.Combine(dir, "weights.pt")),
            Threshold = 0.3125, ThresholdMethod = rule, Thresholds = thresholds,
            Calibration = new ScoreCalibration(1.8473, "the model's validation split (40 images) as it is and under 7 acquisition changes (320 scores)", 320)
            { EceBefore = 0.0812, EceAfter = 0.0213, LogLossBefore = 0.3321, LogLossAfter = 0.2874 },
            Referral = new ReferralRule(0.95, 0.1834, 0.2266, 80, 240, "the model's validation split (40 images) as it is and under 7 acquisition changes (320 scores)"),
            Validation = thresholds.ToDictionary(kv => kv.Key, kv => Metrics(kv.Value, 27, 2, 8, 3, 0.9412)),
            Dataset = new DatasetInfo("/data/xray", "sha256:0123456789abcdef", 160, 40, [40, 120], [10, 30], [2.0, 0.6667]),
            Training = new TrainingConfig { Epochs = 3, Seed = 7 },
            Seed = 7, BestEpoch = 2,
            Provenance = new Provenance("pneumo train --out tiny", "0123456789abcdef0123456789abcdef01234567", "test machine", "2026-01-01T00:00:00Z", "1.0.0.0"),
        };
        Json.Write(Path.Combine(dir, FileNames.ModelMetadata), metadata);
        return dir;
    }

    /// <summary>A test evaluation at <paramref name="threshold"/> with intervals, findings, and calibration and referral sections of a layout the card does not fix.</summary>
    private static string Evaluation(TempDir temp, double threshold, string rule)
    {
        var dir = Directory.CreateDirectory(temp.Combine("results", "tiny")).FullName;
        var m = Metrics(threshold, 36, 5, 15, 4, 0.9375);
        var ci = new ConfidenceInterval(m.Specificity, 0.5512, 0.9001, 0.95);
        var result = EvaluationResult.From(m, rule, new() { [rule] = m, ["default"] = Metrics(0.5, 30, 2, 18, 10, 0.9375) }, "test", "/elsewhere/tiny-copy",
                                           "szanet", 7, "/data/xray") with
        {
            ConfidenceIntervals = new() { ["auc"] = new(m.Auc, 0.8712, 0.9803, 0.95), ["specificity"] = ci },
            BootstrapResamples = 500,
            ExpectedCalibrationError = 0.0444,
            ByFinding = new() { ["bacteria"] = new(25, new(0.88, 0.76, 0.96, 0.95)), ["virus"] = new(15, new(0.9333, 0.8, 1, 0.95)) },
        };
        var document = JsonNode.Parse(Json.Serialize(result))!.AsObject();
        document["calibration"] = JsonNode.Parse("""{"ece_after": {"estimate": 0.0321, "lower": 0.0101, "upper": 0.0655, "level": 0.95}, "bins": 10}""");
        document["referral"] = JsonNode.Parse("""{"referral_rate": {"estimate": 0.1234, "lower": 0.1, "upper": 0.15, "level": 0.95}, "coverage": {"normal": 0.9512}}""");
        File.WriteAllText(Path.Combine(dir, FileNames.Metrics), document.ToJsonString());
        return dir;
    }

    [Fact]
    public void ACalibratedModelsCardShowsItsDecisionAndTheEvaluationsOwnSections()
    {
        using var temp = new TempDir();
        var model = CalibratedModel(temp);
        var evaluation = Evaluation(temp, 0.3125, "sensitivity:0.97");
        var inputs = ModelCardInputs.Load(model, [evaluation], []);
        var card = ModelCard.Write(inputs, temp.Combine("card"), "pneumo report (test)");
        var md = File.ReadAllText(temp.Combine("card", "MODEL_CARD.md"));
        Assert.Equal(card.Markdown, md);

        Assert.Contains(ModelDetailsSection.NotForClinicalUse, md);
        Assert.Contains($"Version: `{inputs.Metadata.WeightsSha256![..12]}`", md);
        // the operating point: the rule in use, its meaning and threshold, the other rules' thresholds
        Assert.Contains($"rule **`sensitivity:0.97`**, threshold **0.3125**", md);
        Assert.Contains(ThresholdRule.Sensitivity(0.97).Meaning, md);
        Assert.Contains($"`youden` at 0.4217: {ThresholdRule.Youden.Meaning}", md);
        // calibration and referral from model.json, the evaluation's own sections as the file gives them
        Assert.Contains("temperature 1.8473", md);
        Assert.Contains("(10 bins) 0.0812 before, 0.0213 after", md);
        Assert.Contains(inputs.Metadata.Referral!.Describe(), md);
        Assert.Contains("| ece after | 0.0321 [0.0101, 0.0655] |", md);
        Assert.Contains("| bins | 10 |", md);
        Assert.Contains("| referral rate | 0.1234 [0.1000, 0.1500] |", md);
        Assert.Contains("| coverage / normal | 0.9512 |", md);
        // the test metrics with their intervals, a metric without one as its point estimate
        var r = inputs.Test!.Result;
        Assert.Contains($"| AUC | {F3(r.Auc)} [0.871, 0.980] |", md);
        Assert.Contains($"| specificity | {F3(r.Specificity)} [0.551, 0.900] |", md);
        Assert.Contains($"| accuracy | {F3(r.Accuracy)} |", md);
        Assert.Contains($"TP {r.Tp}, FP {r.Fp}, TN {r.Tn}, FN {r.Fn}", md);
        Assert.Contains("| bacteria | 25 | 0.880 [0.760, 0.960] |", md);
        Assert.Contains("| default | 0.5 | 0.800 | 0.750 | 0.900 |", md);  // the other rule the evaluation recorded
        // no audit given: said plainly, with the command, and listed at the top
        Assert.Contains("**Not evaluated**: no audit was given to this card", md);
        Assert.Contains($"pneumo audit --model {model} --split validation", md);
        Assert.Equal(["results by file-name group", "shortcut audit"], card.Missing.Select(m => m.Section));
        Assert.DoesNotContain("now decides at", md);
        Assert.Contains("records its model as `/elsewhere/tiny-copy`", md);   // another directory name is stated

        var html = File.ReadAllText(temp.Combine("card", "MODEL_CARD.html"));
        Assert.Contains("name=\"viewport\"", html);
        Assert.Contains("<a href=\"../results/tiny/metrics.json\">", html);
        Assert.DoesNotContain("**", html);
    }

    [Fact]
    public void WithoutResultsEverySectionIsThereAndSaysWhatIsNotEvaluated()
    {
        using var temp = new TempDir();
        var model = CalibratedModel(temp);
        var card = ModelCard.Write(ModelCardInputs.Load(model, [], []), temp.Combine("card"), "pneumo report (test)");
        foreach (var heading in new[] { "Model details", "Intended use", "Training data and split", "Evaluation", "Calibration", "Operating point",
                                        "Referral", "Shortcut audit", "Known failure modes", "Provenance" })
            Assert.Contains($"\n## {heading}\n", card.Markdown);
        Assert.Equal(["test metrics", "results by file-name group", "shortcut audit"], card.Missing.Select(m => m.Section));
        Assert.Contains($"`pneumo evaluate --model {model} --split test --out results/tiny`", card.Markdown);
        Assert.Contains("**Not evaluated in this card**", card.Markdown);
        Assert.Contains("| **sensitivity:0.97** (in use) | 0.3125 | 0.875 | 0.900 | 0.800 |", card.Markdown);
    }

    [Fact]
    public void AnEvaluationAtAnotherThresholdSaysItDoesNotDescribeTheCurrentOperatingPoint()
    {
        using var temp = new TempDir();
        var model = CalibratedModel(temp);
        var evaluation = Evaluation(temp, 0.5, "default");
        var card = ModelCard.Write(ModelCardInputs.Load(model, [evaluation], []), temp.Combine("card"), "pneumo report (test)");
        Assert.Contains("**This evaluation decided at 0.5 (rule `default`); the model now decides at 0.3125 (rule `sensitivity:0.97`)**", card.Markdown);
    }

    [Fact]
    public void ChangedWeightsAndAnEvaluationOfAnotherArchitectureAreRefused()
    {
        using var temp = new TempDir();
        var model = CalibratedModel(temp);
        File.WriteAllBytes(Path.Combine(model, "weights.pt"), [9, 9]);
        var e = Assert.Throws<UserError>(() => ModelCardInputs.Load(model, [], []));
        Assert.Contains("does not match", e.Message);

        using var other = new TempDir();
        var good = CalibratedModel(other);
        var evaluation = Evaluation(other, 0.3125, "sensitivity:0.97");
        var path = Path.Combine(evaluation, FileNames.Metrics);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"architecture\":\"szanet\"", "\"architecture\":\"resnet18-full\""));
        e = Assert.Throws<UserError>(() => ModelCardInputs.Load(good, [evaluation], []));
        Assert.StartsWith($"--evaluation {evaluation}: ", e.Message);
    }

    [Fact]
    public void ASectionOfUnknownLayoutBecomesRowsOfItsOwnNumbers()
    {
        var section = JsonNode.Parse("""{"a_b": 3, "c": {"d": 0.123456, "e": {"estimate": 0.5, "lower": 0.25, "upper": 0.75, "level": 0.95}}, "f": [1, 2.5], "g": "text"}""")!.AsObject();
        var rows = JsonSectionTable.Rows(section).Select(r => $"{r[0]}={r[1]}").ToList();
        Assert.Equal(["a b=3", "c / d=0.1235", "c / e=0.5000 [0.2500, 0.7500]", "f=1, 2.5000", "g=text"], rows);
    }
}
