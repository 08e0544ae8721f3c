using System.Globalization;
using System.Text.Json;
using Pneumo.Persistence;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// <c>predict</c> shows REFER in all three formats when the model's referral rule refers an image, and the decided
/// label otherwise; its text summary counts NORMAL, PNEUMONIA and REFER; the mean of several models never refers, and
/// says why. A tiny untrained SZANet scores two synthetic images; its <c>model.json</c> then gets a threshold and a
/// referral rule between their probabilities, so the lower one is decided NORMAL and the higher one referred.
/// </summary>
public class PredictDecisionTests
{
    private const string Refer = "REFER (uncertain: refer to a radiologist)";

    private static async Task<JsonElement[]> Json(params string[] args)
    {
        var r = await InProcessCli.RunAsync(["predict", "--format", "json", .. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray().ToArray();
    }

    [Fact]
    public async Task AReferredImageIsREFERInTextJsonAndCsvAndADecidedOneKeepsItsLabel()
    {
        using var dir = new TempDir();
        var model = TinyModels.SaveSzaNet(dir.Combine("tiny"));
        string a = dir.Combine("a.jpeg"), b = dir.Combine("b.jpeg");
        File.WriteAllBytes(a, DamagedImages.Jpeg(96, 96));
        File.WriteAllBytes(b, Inverted(File.ReadAllBytes(a)));
        var first = await Json("--model", model, a, b);
        double pa = first[0].GetProperty("probability").GetDouble(), pb = first[1].GetProperty("probability").GetDouble();
        Assert.True(Math.Abs(pa - pb) > 1e-6, $"the two images score alike ({pa}, {pb}): the test needs two probabilities");
        var (low, high, pLow, pHigh) = pa < pb ? (a, b, pa, pb) : (b, a, pb, pa);
        Assert.All(first, i => Assert.False(i.GetProperty("referral").GetProperty("fitted").GetBoolean()));

        // Threshold between the two; NORMAL kept up to it, PNEUMONIA only from above the higher probability.
        double middle = (pLow + pHigh) / 2, gap = pHigh - pLow;
        TinyModels.Edit(model, m => m with
        {
            Threshold = middle, ThresholdMethod = ThresholdRule.Youden,
            Referral = new ReferralRule(0.95, middle, 1 - (pHigh + gap / 4), 10, 10, "a test"),
        });

        var items = await Json("--model", model, low, high);
        Assert.Equal(["NORMAL", "REFER"], items.Select(i => i.GetProperty("decision").GetString()));
        Assert.Equal(["NORMAL", "PNEUMONIA"], items.Select(i => i.GetProperty("label").GetString()));
        var referral = items[1].GetProperty("referral");
        Assert.True(referral.GetProperty("refer").GetBoolean());
        Assert.Equal("uncertain: refer to a radiologist", referral.GetProperty("message").GetString());
        Assert.Equal(0.95, referral.GetProperty("coverage").GetDouble());
        Assert.False(items[0].GetProperty("referral").GetProperty("refer").GetBoolean());
        Assert.Equal(ThresholdRule.Youden.Meaning, items[1].GetProperty("threshold_meaning").GetString());
        Assert.False(items[1].GetProperty("calibrated").GetBoolean());

        var text = await InProcessCli.RunAsync("predict", "--model", model, low, high);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal(
            [$"{low}\t{pLow.ToString("F4", CultureInfo.InvariantCulture)}\tNORMAL",
             $"{high}\t{pHigh.ToString("F4", CultureInfo.InvariantCulture)}\t{Refer}",
             $"2 images: 1 NORMAL, 0 PNEUMONIA, 1 {Refer}"],
            text.OutputLines);

        var csv = await InProcessCli.RunAsync("predict", "--model", model, "--format", "csv", low, high);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.Equal("path,probability,label,decision", csv.OutputLines[0]);
        Assert.EndsWith(",NORMAL,NORMAL", csv.OutputLines[1]);
        Assert.EndsWith(",PNEUMONIA,REFER", csv.OutputLines[2]);

        // The mean of two models (the same one twice) has no fitted referral: it decides, and says so.
        var mean = await Json("--model", model, "--model", model, high);
        Assert.Equal("PNEUMONIA", mean[0].GetProperty("decision").GetString());
        Assert.False(mean[0].GetProperty("referral").GetProperty("fitted").GetBoolean());
        var meanText = await InProcessCli.RunAsync("predict", "--model", model, "--model", model, high);
        Assert.Equal("1 image: 0 NORMAL, 1 PNEUMONIA, 0 " + Refer
                     + "; no referral rule: the mean of 2 models has none fitted (each model's own rule does not apply to the mean), so the decision is the threshold's label",
                     meanText.OutputLines[^1]);
    }

    /// <summary>The image with every pixel inverted, re-encoded as JPEG: a second image that scores differently.</summary>
    private static byte[] Inverted(byte[] jpeg)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            bitmap.SetPixel(x, y, new SKColor((byte)(255 - c.Red), (byte)(255 - c.Green), (byte)(255 - c.Blue)));
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
