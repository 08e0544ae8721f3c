using Pneumo.Audit;
using Pneumo.Data;
using Pneumo.Explain;
using Pneumo.Inference;
using Pneumo.Tests.Explain;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Audit;

/// <summary>The audit on a model whose only evidence is planted in the top-right corner (<see cref="KnownAnswerModel"/>).</summary>
public class AuditorTests(ITestOutputHelper output)
{
    // 64 px: a 3-pixel band (clear of the key square at y >= 4), 22-pixel corner patches (the top-right one covers the key square).
    private static readonly AuditRegions Regions = AuditRegions.For(KnownAnswerModel.Size, KnownAnswerModel.Size, 0.05, 0.35);

    [Fact]
    public void AModelThatReadsACornerIsCaught()
    {
        using var model = KnownAnswerModel.Build();
        var preprocessing = KnownAnswerModel.Preprocessing;
        var random = new Random(7);
        var images = Enumerable.Range(0, 6).Select(i => KnownAnswerModel.Image(positive: i < 4, random)).ToList();
        var labels = Enumerable.Range(0, 6).Select(i => i < 4 ? 1 : 0).ToList();
        var auditor = new Auditor(new Predictor(model, preprocessing), new GradCam(model, preprocessing), Regions, chunk: 4);
        var rows = auditor.Audit(images, labels);
        foreach (var r in rows)
            output.WriteLine($"label {r.Label} p {r.P:F3} border {r.PBorderMasked:F3} tl {r.PTopLeftMasked:F3} tr {r.PTopRightMasked:F3} " +
                             $"cam border {r.Cam.Border:F3} tl {r.Cam.TopLeft:F3} tr {r.Cam.TopRight:F3} bl {r.Cam.BottomLeft:F3} br {r.Cam.BottomRight:F3}");

        foreach (var r in rows.Where(r => r.Label == 1))
        {
            Assert.True(r.P > 0.99, $"premise: a positive scored {r.P:F3}");
            // masking the corner with the evidence flips the answer; masking the other corner or the band does not
            Assert.True(r.PTopRightMasked < 0.5, $"masking the key corner left p = {r.PTopRightMasked:F3}");
            Assert.Equal(r.P, r.PTopLeftMasked, 2);
            Assert.Equal(r.P, r.PBorderMasked, 2);
            Assert.True(r.Cam.TopRight > 0.6, $"only {r.Cam.TopRight:P0} of the map in the top-right patch");
            Assert.True(r.Cam.TopLeft < 0.05 && r.Cam.BottomLeft < 0.05 && r.Cam.BottomRight < 0.05, "mass in a corner without evidence");
        }
        var effects = MaskingEffect.Summarize(rows, 0.5, 200, seed: 1);
        Assert.Equal(1, effects.Single(e => e.Variant == "top_right" && e.Class == "PNEUMONIA").Flips.Estimate);
        Assert.Equal(0, effects.Single(e => e.Variant == "top_left" && e.Class == "PNEUMONIA").Flips.Estimate);
        Assert.Equal(0, effects.Single(e => e.Variant == "top_right" && e.Class == "NORMAL").Flips.Estimate);
        var mass = RegionMass.Summarize(rows.Where(r => r.Label == 1).ToList(), Regions, 200, seed: 1).ToDictionary(m => m.Region);
        Assert.True(mass["top_right"].Excess > 4, $"top-right excess only {mass["top_right"].Excess:F2}");
        Assert.True(mass["top_left"].Excess < 0.5, $"top-left excess {mass["top_left"].Excess:F2}");
        // the running mean map holds the positives' maps (and the negatives' that have evidence), each summing to 1
        Assert.Equal(4, auditor.MapCounts[1]);
        Assert.Equal(4, auditor.MapSums[1].Sum(), 6);
    }

    [Fact]
    public void BatchedMapsAreThePerImageMaps()
    {
        using var model = KnownAnswerModel.Build();
        var gradCam = new GradCam(model, KnownAnswerModel.Preprocessing);
        var random = new Random(11);
        var images = Enumerable.Range(0, 3).Select(i => KnownAnswerModel.Image(positive: i != 1, random)).ToList();
        var batched = gradCam.RawMaps(images, ClassLabel.Pneumonia);
        Assert.Equal(3, batched.Length);
        for (int i = 0; i < images.Count; i++)
        {
            var single = gradCam.Explain(images[i], ClassLabel.Pneumonia);
            float max = batched[i].Max();
            var scaled = batched[i].Select(v => max > 0 ? v / max : 0).ToArray();
            for (int k = 0; k < scaled.Length; k++)
                Assert.True(Math.Abs(single.Values[k] - scaled[k]) < 1e-4, $"image {i} pixel {k}: {single.Values[k]} one by one, {scaled[k]} batched");
        }
    }

    [Fact]
    public void WithACentreCropTheMapLiesInTheWindowTheModelSees()
    {
        using var model = KnownAnswerModel.Build();
        var preprocessing = KnownAnswerModel.Preprocessing with { CenterCrop = 0.75 };  // 48 px from 8
        var (offset, length) = preprocessing.CropWindow(KnownAnswerModel.Size);
        Assert.Equal((8, 48), (offset, length));
        var image = KnownAnswerModel.Image(positive: true, new Random(5));
        var map = new GradCam(model, preprocessing).RawMaps([image], ClassLabel.Pneumonia)[0];
        double inside = 0, outside = 0;
        for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++)
        {
            bool seen = x >= 8 && x < 56 && y >= 8 && y < 56;
            if (seen) inside += map[y * 64 + x]; else outside += map[y * 64 + x];
        }
        Assert.True(inside > 0, "no evidence at all");
        Assert.Equal(0, outside);
        var explained = new GradCam(model, preprocessing).Explain(image, ClassLabel.Pneumonia);
        Assert.Equal(0f, explained[2, 2]);
        Assert.Equal(1f, explained.Values.Max());
    }
}
