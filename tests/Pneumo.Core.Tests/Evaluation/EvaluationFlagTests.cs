using Pneumo.Audit;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Reporting;
using Pneumo.Tests.Training;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Evaluation;

/// <summary>
/// Issue 29 N11, N2, N10: evaluate lists images under the minimum size and blank images apart (not in the metrics),
/// names skipped images by their real path, and a NaN model is refused in one line by audit.
/// </summary>
public class EvaluationFlagTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>A grey PNG of one value (8-bit greyscale): each row a filter byte and its pixels.</summary>
    private static byte[] GreyPng(int width, int height, byte value) =>
        PngWriter.Write(width, height, bitDepth: 8, colourType: 0,
                        Enumerable.Range(0, height).SelectMany(_ => new byte[] { 0 }.Concat(Enumerable.Repeat(value, width))).ToArray());

    [SkippableFact]
    public void TinyAndBlankImagesAreFlaggedAndListedApartFromTheMetrics()
    {
        using var data = TestData.SmallDataRoot(4, "test");
        var tiny = Path.Combine(data.Path, "test", "NORMAL", "tiny.png");
        var blank = Path.Combine(data.Path, "test", "PNEUMONIA", "blank.png");
        File.WriteAllBytes(tiny, GreyPng(1, 1, 128));
        File.WriteAllBytes(blank, GreyPng(300, 300, 0));
        using var outDir = new TempDir();
        using var model = ModelDirectory.Load(ShippedModel);
        var log = new List<string>();
        var result = ModelEvaluation.Run(model, data.Path, "test", outDir.Path, "test", log.Add, resamples: 20);

        Assert.Equal(8, result.N);
        Assert.Equal(2, result.Flagged.Count);
        Assert.Contains(result.Flagged, f => f.StartsWith(tiny + ": ") && f.Contains("1x1"));
        Assert.Contains(result.Flagged, f => f.StartsWith(blank + ": ") && f.Contains("blank"));
        Assert.Contains(log, l => l.StartsWith("flagged: " + tiny));
        Assert.Contains(log, l => l.StartsWith("flagged: " + blank));
        var predictions = File.ReadAllLines(Path.Combine(outDir.Path, "predictions.csv"));
        Assert.DoesNotContain(predictions, l => l.Contains("tiny.png") || l.Contains("blank.png"));
    }

    [SkippableFact]
    public void ImagesANanModelCannotScoreAreNamedByTheirRealPath()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        using var root = new TempDir();
        using var model = ModelDirectory.Load(DamagedRunTests.NanModel(root));
        var log = new List<string>();
        Assert.ThrowsAny<UserError>(() => ModelEvaluation.Run(model, data.Path, "test", root.Combine("eval"), "test", log.Add, resamples: 20));
        var skipped = log.Where(l => l.StartsWith("skipped: ")).ToList();
        Assert.Equal(4, skipped.Count);
        Assert.All(skipped, l => Assert.True(File.Exists(l["skipped: ".Length..l.IndexOf(": ", "skipped: ".Length, StringComparison.Ordinal)]), l));
    }

    [SkippableFact]
    public void AuditingANanModelIsRefusedInOneLineNamingTheModel()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        using var root = new TempDir();
        var dir = DamagedRunTests.NanModel(root);
        var e = Assert.ThrowsAny<UserError>(() => AuditRun.Execute(dir, data.Path, root.Combine("audit"),
            new AuditSettings { Split = AuditSettings.Test, Bootstrap = 100 }, "test", new ReportWriter()));
        Assert.IsType<NonFiniteScoresException>(e);
        Assert.Contains("nan-model", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
