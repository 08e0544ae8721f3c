using Pneumo.Data;
using Pneumo.Explain;
using Pneumo.Inference;
using Pneumo.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Explain;

public class GradCamTests(ITestOutputHelper output)
{
    [Fact]
    public void TheMapPointsAtTheOnlyRegionThatDecidesTheLabel()
    {
        using var model = KnownAnswerModel.Build();
        var preprocessing = KnownAnswerModel.Preprocessing;
        var random = new Random(99);
        var positives = Enumerable.Range(0, 4).Select(_ => KnownAnswerModel.Image(true, random)).ToList();
        var negatives = Enumerable.Range(0, 4).Select(_ => KnownAnswerModel.Image(false, random)).ToList();
        // The premise: the square decides the answer.
        var predictor = new Predictor(model, preprocessing);
        Assert.All(predictor.Predict(positives), p => Assert.True(p > 0.99, $"positive scored {p:F3}"));
        Assert.All(predictor.Predict(negatives), p => Assert.True(p < 0.5, $"negative scored {p:F3}"));

        var gradCam = new GradCam(model, preprocessing);
        var (x0, y0, x1, y1) = KnownAnswerModel.Key;
        foreach (var image in positives)
        {
            var map = gradCam.Explain(image, ClassLabel.Pneumonia);
            Assert.Equal((64, 64), (map.Width, map.Height));
            double topRight = map.MassIn(32, 0, 64, 32);
            var peak = Array.IndexOf(map.Values, map.Values.Max());
            output.WriteLine($"top-right quadrant {topRight:F3}, peak at ({peak % 64}, {peak / 64})");
            // A transposed or flipped map puts its mass in another quadrant; a map of activations not weighted by
            // the gradient also lights up the dark squares, which the answer does not depend on.
            Assert.True(topRight > 0.9, $"only {topRight:P0} of the map is in the top-right quadrant");
            Assert.InRange(peak % 64, x0 - 8, 63);
            Assert.InRange(peak / 64, 0, y1 + 8);
            Assert.Equal(1f, map.Values.Max());

            // The bright square is evidence against NORMAL, never for it.
            var normal = gradCam.Explain(image, ClassLabel.Normal);
            Assert.True(normal.MassIn(x0, y0, x1, y1) < 0.05, "the NORMAL map marks the square that argues against it");
        }
    }

    [Fact]
    public void MapsAreInputSizedScaledToOneAndLeaveParametersAlone()
    {
        torch.manual_seed(3);
        using var model = new SzaNet(KnownAnswerModel.Size);
        var map = new GradCam(model, KnownAnswerModel.Preprocessing).Explain(KnownAnswerModel.Image(true, new Random(1)), ClassLabel.Pneumonia);
        Assert.Equal(64 * 64, map.Values.Length);
        Assert.All(map.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.True(map.Values.Max() is 0f or 1f);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0));
    }

    [Fact]
    public void WithACentreCropTheMapCoversOnlyTheCropWindow()
    {
        using var model = KnownAnswerModel.Build();
        var cropped = KnownAnswerModel.Preprocessing with { CenterCrop = 0.875 };
        var (offset, length) = cropped.CropWindow(64);
        Assert.Equal((4, 56), (offset, length));
        var map = new GradCam(model, cropped).Explain(KnownAnswerModel.Image(true, new Random(2)), ClassLabel.Pneumonia);
        Assert.Equal(64 * 64, map.Values.Length);
        double inside = map.MassIn(offset, offset, offset + length, offset + length);
        Assert.Equal(1f, map.Values.Max());
        Assert.True(inside > 0.999, $"{1 - inside:P2} of the map lies outside the crop the model saw");
        // The border band the model never saw is exactly zero.
        for (int x = 0; x < 64; x++) Assert.Equal(0f, map.Values[1 * 64 + x]);
    }
}
