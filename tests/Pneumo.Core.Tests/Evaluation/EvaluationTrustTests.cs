using System.Globalization;
using System.Text.Json;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Evaluation;

/// <summary>
/// Issue 31: evaluate reports the calibration and the referral honestly. One uncalibrated pass; the calibrated
/// probability, the network's own and the decision per image in predictions.csv; metrics.json's calibration and
/// referral parts present exactly when the model has them. Training images (never the test set) and the shipped SZANet.
/// </summary>
public class EvaluationTrustTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>A copy of the shipped SZANet whose model.json is changed by <paramref name="change"/> (the weights are not touched).</summary>
    private static string ModelCopy(TempDir root, Func<ModelMetadata, ModelMetadata> change)
    {
        var dir = Directory.CreateDirectory(root.Combine("model")).FullName;
        foreach (var file in Directory.GetFiles(ShippedModel)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        var path = Path.Combine(dir, FileNames.ModelMetadata);
        Json.Write(path, change(Json.Read<ModelMetadata>(path)));
        return dir;
    }

    private static List<string[]> Rows(string outDir) =>
        File.ReadAllLines(Path.Combine(outDir, FileNames.Predictions)).Skip(1).Select(l => l.Split(',')).ToList();

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [SkippableFact]
    public void WithoutCalibrationOrReferralOnlyTheUncalibratedQualityIsReported()
    {
        using var data = TestData.SmallDataRoot(3, "train");
        using var outDir = new TempDir();
        using var model = ModelDirectory.Load(ShippedModel);
        Assert.Null(model.Metadata.Calibration);
        var result = ModelEvaluation.Run(model, data.Path, "train", outDir.Path, "test", resamples: 100);

        var json = JsonDocument.Parse(File.ReadAllText(outDir.Combine(FileNames.Metrics))).RootElement;
        var calibration = json.GetProperty("calibration");
        Assert.Equal(10, calibration.GetProperty("bins").GetInt32());
        var uncalibrated = calibration.GetProperty("uncalibrated");
        foreach (var key in new[] { "expected_calibration_error", "brier_score", "log_loss" })
            foreach (var part in new[] { "estimate", "lower", "upper", "level" })
                Assert.True(uncalibrated.GetProperty(key).TryGetProperty(part, out _), $"{key}.{part}");
        Assert.Equal(6, uncalibrated.GetProperty("reliability").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        Assert.False(uncalibrated.TryGetProperty("temperature", out _));
        Assert.False(calibration.TryGetProperty("calibrated", out _));
        Assert.False(json.TryGetProperty("referral", out _));
        Assert.Equal(uncalibrated.GetProperty("expected_calibration_error").GetProperty("estimate").GetDouble(),
                     json.GetProperty("expected_calibration_error").GetDouble());

        var rows = Rows(outDir.Path);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal(r[2], r[3]));  // nothing to calibrate: the probability is the network's
        Assert.All(rows, r => Assert.Equal(D(r[2]) >= result.Threshold ? "PNEUMONIA" : "NORMAL", r[4]));
    }

    [SkippableFact]
    public void WithCalibrationAndReferralBothAreMeasuredAndEveryImageDecidedOrReferred()
    {
        using var data = TestData.SmallDataRoot(4, "train");
        using var root = new TempDir();
        var calibration = new ScoreCalibration(2.0, "a test", 100);
        // SZANet's threshold is low (0.09); refer between 0.2 and 0.9 on the calibrated scale.
        var referral = new ReferralRule(0.9, NormalQuantile: 0.2, PneumoniaQuantile: 0.1, 50, 50, "a test");
        var dir = ModelCopy(root, m => m with
        {
            Calibration = calibration, Referral = referral, Threshold = 0.3, ThresholdMethod = ThresholdRule.Sensitivity(0.97),
            Thresholds = new() { ["default"] = 0.5, ["sensitivity:0.97"] = 0.3 },
        });
        using var model = ModelDirectory.Load(dir);
        var result = ModelEvaluation.Run(model, data.Path, "train", root.Combine("eval"), "test", resamples: 100);

        // predictions.csv: the calibrated probability is T-scaled from the network's, and the decision follows the rule.
        var rows = Rows(root.Combine("eval"));
        Assert.Equal(8, rows.Count);
        foreach (var r in rows)
        {
            Assert.Equal(calibration.Apply(D(r[3])), D(r[2]), 12);
            Assert.Equal(EvaluationPredictions.Decide(D(r[2]), 0.3, referral), r[4]);
        }
        // The counts in metrics.json are those of the file.
        var json = JsonDocument.Parse(File.ReadAllText(root.Combine("eval", FileNames.Metrics))).RootElement;
        var referred = json.GetProperty("referral");
        Assert.Equal(rows.Count(r => r[4] == "REFER"), referred.GetProperty("referred").GetInt32());
        Assert.Equal(rows.Count(r => r[1] == "0" && D(r[2]) <= 0.2), referred.GetProperty("normal_covered").GetInt32());
        Assert.Equal(rows.Count(r => r[1] == "1" && 1 - D(r[2]) <= 0.1), referred.GetProperty("pneumonia_covered").GetInt32());
        Assert.Equal(rows.Count(r => r[1] == "1" && r[4] == "PNEUMONIA"), referred.GetProperty("decided_tp").GetInt32());
        Assert.Equal(rows.Count(r => r[1] == "0" && r[4] == "NORMAL"), referred.GetProperty("decided_tn").GetInt32());
        Assert.Equal(0.9, referred.GetProperty("coverage_target").GetDouble());
        foreach (var key in new[] { "normal_coverage", "pneumonia_coverage", "referral_rate", "decided_accuracy", "decided_sensitivity", "decided_specificity" })
            Assert.True(referred.GetProperty(key).TryGetProperty("lower", out _), key);
        Assert.Equal((double)result.Referral!.Referred / 8, result.Referral.ReferralRate.Estimate);

        // Both sets of probabilities measured; the top-level ECE is the shown (calibrated) one.
        var quality = json.GetProperty("calibration");
        Assert.Equal(2.0, quality.GetProperty("calibrated").GetProperty("temperature").GetDouble());
        Assert.Equal(quality.GetProperty("calibrated").GetProperty("expected_calibration_error").GetProperty("estimate").GetDouble(),
                     json.GetProperty("expected_calibration_error").GetDouble());
        Assert.NotEqual(quality.GetProperty("uncalibrated").GetProperty("log_loss").GetProperty("estimate").GetDouble(),
                        quality.GetProperty("calibrated").GetProperty("log_loss").GetProperty("estimate").GetDouble());
        // The thresholds apply to the calibrated probabilities, and the rule in use is the screening rule.
        Assert.Equal("sensitivity:0.97", json.GetProperty("threshold_method").GetString());
        Assert.Equal(rows.Count(r => r[1] == "1" && D(r[2]) >= 0.3), json.GetProperty("at_thresholds").GetProperty("sensitivity:0.97").GetProperty("tp").GetInt32());

        // Read back as a record (the report reads metrics.json this way).
        var back = Json.Read<EvaluationResult>(root.Combine("eval", FileNames.Metrics));
        Assert.Equal(result.Referral.DecidedSensitivity, back.Referral!.DecidedSensitivity);
        Assert.Equal(result.Calibration!.Calibrated!.Reliability.Count, back.Calibration!.Calibrated!.Reliability.Count);
    }
}
