using Pneumo.Data;
using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Tests.Explain;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Diagnosis;

/// <summary>
/// NORMAL, PNEUMONIA or REFER: a model whose <c>model.json</c> has a referral rule refers an image whose probability is
/// inside the rule's band and decides one outside it; without a rule, or with several models, the decision is the label.
/// The known-answer SZANet gives a negative image a fixed probability (sigmoid(-1), about 0.27); the rule's quantiles
/// are written around it.
/// </summary>
public class DiagnoserDecisionTests
{
    private static byte[] Png(RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = bitmap.GetPixelSpan();
        for (int i = 0; i < image.PlaneSize; i++)
        {
            for (int c = 0; c < 3; c++) rgba[4 * i + c] = image.Pixels[c * image.PlaneSize + i];
            rgba[4 * i + 3] = 255;
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static readonly byte[] Negative = Png(KnownAnswerModel.Image(false, new Random(3)));

    /// <summary>The known-answer model in <paramref name="dir"/>, threshold 0.5 by the default rule, then its model.json edited by <paramref name="change"/>.</summary>
    private static string Model(TempDir dir, string name, Func<ModelMetadata, ModelMetadata>? change = null)
    {
        var path = dir.Combine(name);
        using (var known = KnownAnswerModel.Build())
            ModelDirectory.Save(path, known, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = KnownAnswerModel.Preprocessing });
        if (change is not null) TinyModels.Edit(path, change);
        return path;
    }

    private static DiagnosisResult Diagnose(params string[] models)
    {
        using var diagnoser = Diagnoser.Load(models);
        return diagnoser.Diagnose(Negative, "x.png", explain: true);
    }

    private static Func<ModelMetadata, ModelMetadata> Referral(double normalQuantile, double pneumoniaQuantile) =>
        m => m with { Referral = new ReferralRule(0.9, normalQuantile, pneumoniaQuantile, 10, 10, "a test") };

    [Fact]
    public void AProbabilityInsideTheReferralBandIsReferredAndOneOutsideItIsDecided()
    {
        using var dir = new TempDir();
        var plain = Diagnose(Model(dir, "plain"));
        double p = plain.Probability;
        Assert.InRange(p, 0.2, 0.35);  // sigmoid(-1): the negative image sees no bright square
        Assert.Equal((ClassLabel.Normal, Decision.Normal), (plain.Label, plain.Decision));
        Assert.False(plain.Referral.Fitted);
        Assert.Contains("this model has none", plain.Referral.Message);

        // NORMAL up to p - 0.05, PNEUMONIA from p + 0.05: p is in the band between, where neither label is kept.
        var inside = Diagnose(Model(dir, "inside", Referral(p - 0.05, 1 - (p + 0.05))));
        Assert.Equal(p, inside.Probability, 12);
        Assert.Equal(ClassLabel.Normal, inside.Label);  // the label stays the threshold's
        Assert.Equal(Decision.Refer, inside.Decision);
        Assert.Equal("REFER", inside.DecisionName);
        Assert.True(inside.Referral is { Fitted: true, Refer: true, Message: Decisions.ReferMeaning, Coverage: 0.9 });
        Assert.StartsWith("neither label is plausible at 90 % coverage per class", inside.Referral.Reason);
        Assert.Equal(p - 0.05, inside.Referral.NormalUpTo!.Value, 12);
        Assert.Equal(p + 0.05, inside.Referral.PneumoniaFrom!.Value, 12);
        Assert.Equal(ClassLabel.Normal, inside.Explanation!.Target);  // the map explains the label, not "REFER"

        // Both labels kept (NORMAL up to p + 0.05, PNEUMONIA from p - 0.05): referred too.
        var both = Diagnose(Model(dir, "both", Referral(p + 0.05, 1 - (p - 0.05))));
        Assert.Equal(Decision.Refer, both.Decision);
        Assert.StartsWith("both NORMAL and PNEUMONIA are plausible", both.Referral.Reason);

        // NORMAL up to p + 0.05, PNEUMONIA from p + 0.1: only NORMAL is kept, the threshold's label: decided.
        var outside = Diagnose(Model(dir, "outside", Referral(p + 0.05, 1 - (p + 0.1))));
        Assert.Equal(Decision.Normal, outside.Decision);
        Assert.True(outside.Referral is { Fitted: true, Refer: false, Reason: null });
        Assert.StartsWith("decided: NORMAL is the only label", outside.Referral.Message);
        using (var referredOverlay = SKBitmap.Decode(inside.Explanation.OverlayPng))
        using (var decidedOverlay = SKBitmap.Decode(outside.Explanation!.OverlayPng))
            Assert.Equal(decidedOverlay.Height + 20, referredOverlay.Height);  // the REFER note, a third caption line

        // Only PNEUMONIA kept (from p - 0.05) while the threshold (0.5) says NORMAL: referred.
        var disagree = Diagnose(Model(dir, "disagree", Referral(p - 0.1, 1 - (p - 0.05))));
        Assert.Equal(Decision.Refer, disagree.Decision);
        Assert.Contains("keeps only PNEUMONIA", disagree.Referral.Reason);
    }

    [Fact]
    public void TheResultSaysWhatSetTheThresholdAndWhetherTheProbabilityIsCalibrated()
    {
        using var dir = new TempDir();
        var plain = Diagnose(Model(dir, "plain"));
        Assert.False(plain.Calibrated);
        Assert.Equal("default", plain.ThresholdMethod);
        Assert.Equal(ThresholdRule.Default.Meaning, plain.ThresholdMeaning);

        var calibrated = Diagnose(Model(dir, "calibrated", m => m with
        {
            Calibration = new ScoreCalibration(2, "a test", 10), ThresholdMethod = ThresholdRule.Youden, Threshold = 0.4,
        }));
        Assert.True(calibrated.Calibrated);
        Assert.Equal(new ScoreCalibration(2, "", 0).Apply(plain.Probability), calibrated.Probability, 6);
        Assert.Equal("youden", calibrated.ThresholdMethod);
        Assert.Equal(ThresholdRule.Youden.Meaning, calibrated.ThresholdMeaning);
    }

    [Fact]
    public void TheMeanOfSeveralModelsHasNoReferralAndNoCalibrationOfItsOwn()
    {
        using var dir = new TempDir();
        var refers = Model(dir, "refers", m => Referral(0.01, 0.01)(m) with { Calibration = new ScoreCalibration(1, "a test", 10) });
        Assert.Equal(Decision.Refer, Diagnose(refers).Decision);

        var mean = Diagnose(refers, Model(dir, "other"));
        Assert.Equal(Decisions.Of(mean.Label), mean.Decision);  // the label, never REFER
        Assert.False(mean.Referral.Fitted);
        Assert.Contains("the mean of 2 models has none fitted", mean.Referral.Message);
        Assert.False(mean.Calibrated);
        Assert.Equal(Prediction.EnsembleMean, mean.ThresholdMethod);
        Assert.Equal([true, false], mean.Models.Select(m => m.Model.Calibrated));
    }
}
