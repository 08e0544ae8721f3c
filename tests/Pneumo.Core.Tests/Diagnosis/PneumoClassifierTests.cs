using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Persistence;
using Pneumo.Tests.Explain;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Diagnosis;

/// <summary>The library's facade gives the diagnoser's answer, from a file or a stream, with the overlay as PNG bytes.</summary>
public class PneumoClassifierTests
{
    private static string SaveKnownModel(TempDir dir)
    {
        using var model = KnownAnswerModel.Build();
        return DiagnoserTests.SaveModel(dir, "known", model, 0.5);
    }

    private static string SavePng(TempDir dir, string name, RgbImage image)
    {
        var path = dir.Combine(name);
        File.WriteAllBytes(path, DiagnoserTests.Png(image));
        return path;
    }

    [Fact]
    public void DiagnosesAFileAndAStreamAsTheDiagnoserDoesWithTheOverlayAsPng()
    {
        using var dir = new TempDir();
        var modelDir = SaveKnownModel(dir);
        var sick = SavePng(dir, "sick.png", KnownAnswerModel.Image(true, new Random(5)));
        var well = SavePng(dir, "well.png", KnownAnswerModel.Image(false, new Random(6)));

        using var classifier = PneumoClassifier.Load(modelDir);
        using var diagnoser = Diagnoser.Load([modelDir]);
        var fromFile = classifier.Diagnose(sick, explain: true);
        ImageDiagnosis fromStream;
        using (var stream = File.OpenRead(well)) fromStream = classifier.Diagnose(stream, "well.png");

        Assert.Equal(0.5, classifier.Threshold);
        Assert.Equal("known", classifier.Model.Name);
        Assert.Equal(Json.Serialize(Prediction.From(diagnoser.Diagnose(sick, explain: false))), Json.Serialize<Prediction>(fromFile));
        Assert.Equal(("PNEUMONIA", "PNEUMONIA", "youden"), (fromFile.Decision, fromFile.Label, fromFile.ThresholdMethod));
        Assert.Equal(("NORMAL", "NORMAL"), (fromStream.Decision, fromStream.Label));
        Assert.True(fromFile.Probability >= 0.5 && fromStream.Probability < 0.5);
        Assert.Equal("PNEUMONIA", fromFile.HeatmapExplains);
        using var overlay = SKBitmap.Decode(fromFile.HeatmapPng);
        Assert.NotNull(overlay);
        Assert.Null(fromStream.HeatmapPng);
    }

    [Fact]
    public void AFileThatIsNotAnImageIsRefusedByName()
    {
        using var dir = new TempDir();
        var modelDir = SaveKnownModel(dir);
        var text = dir.Combine("notes.txt");
        File.WriteAllText(text, "not an image");
        using var classifier = PneumoClassifier.Load(modelDir);

        var e = Assert.Throws<DataException>(() => classifier.Diagnose(text));
        Assert.Contains("notes.txt", e.Message);
        Assert.Equal(ErrorCode.UnsupportedFormat, e.Code);
    }
}
