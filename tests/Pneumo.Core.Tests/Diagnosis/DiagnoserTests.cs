using Pneumo.Data;
using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Tests.Explain;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Diagnosis;

public class DiagnoserTests
{
    internal static string SaveModel(TempDir dir, string name, ClassifierModel model, double threshold)
    {
        var path = dir.Combine(name);
        ModelDirectory.Save(path, model, new ModelMetadata
        {
            Architecture = SzaNet.Name, Preprocessing = KnownAnswerModel.Preprocessing, Threshold = threshold, ThresholdMethod = ThresholdRule.Youden,
        });
        return path;
    }

    internal static byte[] Png(RgbImage image)
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

    [Fact]
    public void AnEnsembleAveragesProbabilitiesAndThresholdsAndReportsEachModel()
    {
        using var dir = new TempDir();
        using (var known = KnownAnswerModel.Build()) SaveModel(dir, "known", known, 0.5);
        torch.manual_seed(4);
        using (var random = new SzaNet(KnownAnswerModel.Size)) SaveModel(dir, "random", random, 0.2);
        var png = Png(KnownAnswerModel.Image(true, new Random(3)));

        using var alone = Diagnoser.Load([dir.Combine("known")]);
        using var other = Diagnoser.Load([dir.Combine("random")]);
        using var both = Diagnoser.Load([dir.Combine("known"), dir.Combine("random")]);
        var a = alone.Diagnose(png, "x.png", explain: false);
        var b = other.Diagnose(png, "x.png", explain: false);
        var d = both.Diagnose(png, "x.png", explain: false);

        Assert.Equal(0.5, a.Threshold);
        Assert.Equal(0.35, d.Threshold, 12);
        Assert.Equal((a.Probability + b.Probability) / 2, d.Probability, 12);
        Assert.Equal(d.Probability >= 0.35 ? ClassLabel.Pneumonia : ClassLabel.Normal, d.Label);
        Assert.Equal(new[] { "known", "random" }, d.Models.Select(m => m.Model.Name));
        Assert.Equal(new[] { a.Probability, b.Probability }, d.Models.Select(m => m.Probability));
        Assert.All(d.Models, m => Assert.Matches("^[0-9a-f]{12}$", m.Model.Version));
        Assert.NotEqual(d.Models[0].Model.Version, d.Models[1].Model.Version);
        Assert.Null(d.Explanation);
    }

    [Fact]
    public void TheExplanationIsTheGradCamMapOnTheDisplayImage()
    {
        using var dir = new TempDir();
        using (var known = KnownAnswerModel.Build()) SaveModel(dir, "known", known, 0.5);
        using var diagnoser = Diagnoser.Load([dir.Combine("known")], displaySize: 256);
        var d = diagnoser.Diagnose(Png(KnownAnswerModel.Image(true, new Random(5))), "x.png", explain: true);

        Assert.Equal(ClassLabel.Pneumonia, d.Label);
        var e = Assert.IsType<Explanation>(d.Explanation);
        Assert.Equal(ClassLabel.Pneumonia, e.Target);
        Assert.Equal((256, 256), (e.Heatmap.Width, e.Heatmap.Height));
        Assert.True(e.Heatmap.MassIn(128, 0, 256, 128) > 0.9, "the map left the deciding top-right square");
        using var overlay = SKBitmap.Decode(e.OverlayPng);
        Assert.NotNull(overlay);
        Assert.True(overlay.Width > 256 && overlay.Height > 256);
    }

    [Fact]
    public void ConcurrentCallsGiveTheSameAnswersAsSequentialOnes()
    {
        using var dir = new TempDir();
        torch.manual_seed(6);
        using (var model = new SzaNet(KnownAnswerModel.Size)) SaveModel(dir, "m", model, 0.5);
        using var diagnoser = Diagnoser.Load([dir.Combine("m")]);
        var random = new Random(8);
        var images = Enumerable.Range(0, 16).Select(i => Png(KnownAnswerModel.Image(i % 2 == 0, random))).ToList();
        var sequential = images.Select(p => diagnoser.Diagnose(p, "x.png", explain: true)).ToList();
        var concurrent = new DiagnosisResult[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                     i => concurrent[i] = diagnoser.Diagnose(images[i], "x.png", explain: true));
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(sequential[i].Probability, concurrent[i].Probability);
            Assert.Equal(sequential[i].Explanation!.Heatmap.Values, concurrent[i].Explanation!.Heatmap.Values);
        }
    }

    [Fact]
    public void BadImagesAreDataErrorsNamingTheImage()
    {
        using var dir = new TempDir();
        using (var model = new SzaNet(KnownAnswerModel.Size)) SaveModel(dir, "m", model, 0.5);
        using var diagnoser = Diagnoser.Load([dir.Combine("m")]);
        var e = Assert.Throws<DataException>(() => diagnoser.Diagnose("not an image"u8.ToArray(), "upload.png", explain: false));
        Assert.StartsWith("upload.png:", e.Message);
        Assert.Throws<DataException>(() => diagnoser.Diagnose(dir.Combine("missing.jpeg"), explain: false));
        Assert.Throws<InvalidDataException>(() => Diagnoser.Load([dir.Combine("m"), dir.Combine("nothing-here")]));
    }
}
