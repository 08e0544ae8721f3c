using Pneumo.Data;
using Pneumo.Explain;
using Pneumo.Models;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Explain;

/// <summary>An ensemble's Grad-CAM map is the mean of its members' maps, each normalised first.</summary>
public class EnsembleGradCamTests
{
    /// <summary>The known-answer model reading its dark channels everywhere (the dark squares) instead of the bright top-right square, with its output 100 times larger.</summary>
    private static SzaNet DarkModel()
    {
        var model = KnownAnswerModel.Build();
        using var noGrad = no_grad();
        var fc1 = new float[64 * 64 * 36];
        for (int c = 32; c < 64; c++)
        for (int cell = 0; cell < 36; cell++)
            fc1[c * 36 + cell] = 1;
        model.state_dict()["fc1.weight"].copy_(tensor(fc1, [64, 64 * 36]));
        model.state_dict()["fc2.weight"].mul_(100);
        return model;
    }

    [Fact]
    public void TheMapIsTheMeanOfTheMembersNormalisedMaps()
    {
        var topRight = KnownAnswerModel.Build();
        var dark = DarkModel();
        using var ensemble = new EnsembleModel([topRight, dark]);
        var preprocessing = KnownAnswerModel.Preprocessing;
        var random = new Random(10);
        var images = Enumerable.Range(0, 3).Select(_ => KnownAnswerModel.Image(true, random)).ToList();
        var gradCam = new GradCam(ensemble, preprocessing);
        var batch = gradCam.RawMaps(images, ClassLabel.Pneumonia);
        foreach (var (image, i) in images.Select((x, i) => (x, i)))
        {
            var a = new GradCam(topRight, preprocessing).Explain(image, ClassLabel.Pneumonia);
            var b = new GradCam(dark, preprocessing).Explain(image, ClassLabel.Pneumonia);
            var expected = Heatmap.Mean([a, b]);
            var map = gradCam.Explain(image, ClassLabel.Pneumonia);
            Assert.All(Enumerable.Range(0, map.Values.Length), k => Assert.Equal(expected.Values[k], map.Values[k], 1e-4f));
            // The batched maps are the same, up to the division by the maximum.
            var scaled = Heatmap.Normalized(image.Width, image.Height, batch[i]);
            Assert.All(Enumerable.Range(0, map.Values.Length), k => Assert.Equal(map.Values[k], scaled.Values[k], 1e-4f));
            // One member points at the bright square, the other at the dark ones, and the ensemble at both, though one
            // member's scores are 100 times the other's.
            double ra = a.MassIn(32, 0, 64, 32), rb = b.MassIn(32, 0, 64, 32), r = map.MassIn(32, 0, 64, 32);
            Assert.True(ra > 0.8 && rb < 0.2, $"the members look elsewhere: top-right {ra:F3} and {rb:F3}");
            Assert.InRange(r, 0.25, 0.75);
        }
    }
}
