using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Reporting.Report;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Reporting;

public class StudyReportTests
{
    /// <summary>An evaluation folder as <c>pneumo evaluate</c> writes it, for 40 synthetic test images.</summary>
    private static string Evaluation(TempDir temp, string name, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? 0 : 1).ToList();
        var paths = labels.Select((l, i) => l == 0 ? $"test/NORMAL/IM-{i:D4}-0001.jpeg" : $"test/PNEUMONIA/person{i}_{(i % 2 == 0 ? "virus" : "bacteria")}_{i}.jpeg").ToList();
        var scores = labels.Select(l => Math.Clamp(0.5 + (l == 1 ? 0.2 : -0.2) + (random.NextDouble() - 0.5) * 0.8, 0, 1)).ToList();
        var dir = Directory.CreateDirectory(temp.Combine(name)).FullName;
        new Predictions(paths, labels, scores).WriteCsv(Path.Combine(dir, FileNames.Predictions));
        var m = BinaryMetrics.Compute(labels, scores, 0.5);
        Json.Write(Path.Combine(dir, "metrics.json"), EvaluationResult.From(m, "default", new() { ["default"] = m }, "test", "/nowhere", "szanet", 1, "/nowhere"));
        return dir;
    }

    [Fact]
    public void ReportFromEvaluationsHasTablesFiguresAndThePapersNumbers()
    {
        using var temp = new TempDir();
        var entries = new[] { Evaluation(temp, "model-a", 1), Evaluation(temp, "model-b", 2) }.Select(ReportInputs.Load).ToList();
        var summary = StudyReport.Write(entries, null, temp.Combine("report"), "pneumo report (test)", resamples: 100);

        var md = File.ReadAllText(temp.Combine("report", FileNames.ReportMarkdown));
        Assert.Contains("| model-a | 40 | ", md);
        Assert.Contains("| paper: SZANet | 624 | 0.956 | 0.827 |", md);
        Assert.Contains("## What differs from the paper", md);
        var html = File.ReadAllText(temp.Combine("report", FileNames.ReportHtml));
        Assert.Equal(summary.Figures.Count, html.Split("src=\"data:image/png;base64,iVBOR").Length - 1);  // every figure embedded
        Assert.Equal(4, summary.Figures.Count);  // ROC, confusion, metrics, reliability (no data root, no history)
        Assert.Equal(["predictions/model-a-test.csv", "predictions/model-b-test.csv"], summary.Predictions);
        foreach (var (entry, file) in entries.Zip(summary.Predictions))
        {
            var copy = ResultFiles.ReadPredictions(temp.Combine("report", file));
            Assert.Equal(entry.Test.Paths, copy.Paths);
            Assert.Equal(entry.Test.Labels, copy.Labels);
            Assert.Equal(entry.Test.Probabilities, copy.Probabilities);  // "R" round trip: the numbers recompute exactly
            Assert.Contains($"]({file})", md);
        }
        var a = summary.Models[0];
        Assert.Equal(["bacteria", "normal", "virus"], a.ByFinding.Select(f => f.Finding));
        var bacteria = a.ByFinding[0];
        Assert.InRange(bacteria.CalledPneumonia.Estimate, bacteria.CalledPneumonia.Lower, bacteria.CalledPneumonia.Upper);
        Assert.True(a.ExpectedCalibrationError.Lower <= a.ExpectedCalibrationError.Upper);
    }

    /// <summary>
    /// A finding model's evaluation (its predictions.csv as <c>pneumo evaluate</c> writes it: the calibrated columns, then
    /// the class columns) gets the bacterial-or-viral section, every number recomputed from the class probabilities and
    /// equal to what <see cref="Pneumo.Evaluation.Findings.FindingEvaluation"/> gives; a binary model's report has none.
    /// </summary>
    [Fact]
    public void AFindingModelsEvaluationGetsTheBacterialOrViralTablesAndFigures()
    {
        using var temp = new TempDir();
        var random = new Random(3);
        var truth = Enumerable.Range(0, 60).Select(i => i % 3).ToList();
        var paths = truth.Select((c, i) => c == 0 ? $"test/NORMAL/IM-{i:D4}-0001.jpeg"
                                                  : $"test/PNEUMONIA/person{i}_{(c == 1 ? "bacteria" : "virus")}_{i}.jpeg").ToList();
        var classes = truth.Select(c =>
        {
            var q = Enumerable.Range(0, 3).Select(k => (k == c ? 1.5 : 0.5) + random.NextDouble()).ToArray();
            return q.Select(v => v / q.Sum()).ToArray();
        }).ToList();
        var shown = new Predictions(paths, truth.Select(c => c == 0 ? 0 : 1).ToList(), classes.Select(q => 1 - q[0]).ToList())
        {
            Classes = truth, ClassProbabilities = classes,
        };
        var dir = Directory.CreateDirectory(temp.Combine("finding")).FullName;
        new EvaluationPredictions(shown, shown.Probabilities, shown.Probabilities.Select(p => p >= 0.5 ? "PNEUMONIA" : "NORMAL").ToList())
            .WriteCsv(Path.Combine(dir, FileNames.Predictions));
        var m = BinaryMetrics.Compute(shown.Labels, shown.Probabilities, 0.5);
        Json.Write(Path.Combine(dir, "metrics.json"), EvaluationResult.From(m, "default", new() { ["default"] = m }, "test", "/nowhere", "szanet", 1, "/nowhere"));

        var entries = new[] { ReportInputs.Load(dir), ReportInputs.Load(Evaluation(temp, "binary", 1)) };
        var summary = StudyReport.Write(entries, null, temp.Combine("report"), "pneumo report (test)", resamples: 100);

        var expected = Pneumo.Evaluation.Findings.FindingEvaluation.Compute(truth, classes, ModelTasks.FindingClassNames, 100);
        var found = Assert.IsType<FindingMetrics>(summary.Models[0].Findings);
        Assert.Equal(expected.ConfusionMatrix, found.ConfusionMatrix);
        Assert.Equal(expected.BacterialVsViral["auc"], found.BacterialVsViral["auc"]);
        Assert.Null(summary.Models[1].Findings);
        var md = File.ReadAllText(temp.Combine("report", FileNames.ReportMarkdown));
        Assert.Equal(1, md.Split("## Bacterial or viral (finding models)").Length - 1);
        Assert.Contains($"| finding | {expected.BacterialVsViralImages} | {CrossValidationTableCi(expected.BacterialVsViral["accuracy"])} |", md);
        Assert.Contains($"| BACTERIAL | {string.Join(" | ", expected.ConfusionMatrix[1])} |", md);
        Assert.Contains("figures/findings-confusion-finding.png", summary.Figures);
        Assert.Contains("figures/findings-roc-finding.png", summary.Figures);
    }

    private static string CrossValidationTableCi(ConfidenceInterval ci) => Pneumo.Reporting.CrossValidationTable.Ci(ci);

    /// <summary>
    /// A quick study's report says so, above everything and across the top of every figure; each model's row gives the
    /// settings it really trained with (here: balanced subset, so equal class weights; no per-image standardisation).
    /// </summary>
    [Fact]
    public void AQuickStudysReportCarriesTheBannerAndEachModelsRealSettings()
    {
        using var temp = new TempDir();
        var study = Directory.CreateDirectory(temp.Combine("study")).FullName;
        Json.Write(Path.Combine(study, FileNames.Study), new StudyRecord { DataRoot = "/nowhere", Options = StudyOptions.QuickPreset });
        var run = Evaluation(temp, Path.Combine("study", "runs", "resnet18-frozen"), 1);
        var config = new StudyOptions().Training("resnet18-frozen") with { LimitPerClass = 60 };
        Json.Write(Path.Combine(run, FileNames.ModelMetadata), new ModelMetadata
        {
            Architecture = "resnet18-frozen", Preprocessing = Pneumo.Models.ModelRegistry.PretrainedResNet18Input, Threshold = 0.5,
            Training = config, AveragedWeights = true, TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip, BestEpoch = 2,
            Dataset = new DatasetInfo("/nowhere", "x", 96, 24, [48, 48], [12, 12], [1.0, 1.0]),
        });
        var quick = StudyReport.Write([ReportInputs.Load(run)], null, temp.Combine("quick-report"), "pneumo study --quick (test)", resamples: 100);
        var md = File.ReadAllText(temp.Combine("quick-report", FileNames.ReportMarkdown));
        Assert.StartsWith($"# Pneumonia from pediatric chest X-rays: study report\n\n> **{StudyReport.QuickRun}.**", md.ReplaceLineEndings("\n"));
        Assert.Contains("| equal (balanced training part): none in effect | EMA 0.998, flip-averaged |", md);
        Assert.Contains("224 px BGR, 0-255, minus mean image `", md);
        Assert.Contains("not standardised per image |", md);
        Assert.Contains("standardised per image: none; not: resnet18-frozen", md);
        Assert.DoesNotContain("| True |", md);
        foreach (var figure in quick.Figures)
        {
            using var png = SkiaSharp.SKBitmap.Decode(temp.Combine("quick-report", figure));
            Assert.Equal(new SkiaSharp.SKColor(255, 214, 102), png.GetPixel(3, 3));  // the banner's band, top left
        }

        var full = StudyReport.Write([ReportInputs.Load(Evaluation(temp, "model-a", 1))], null, temp.Combine("report"), "pneumo report (test)", resamples: 100);
        Assert.DoesNotContain(StudyReport.QuickRun, File.ReadAllText(temp.Combine("report", FileNames.ReportMarkdown)));
        using (var png = SkiaSharp.SKBitmap.Decode(temp.Combine("report", full.Figures[0])))
            Assert.NotEqual(new SkiaSharp.SKColor(255, 214, 102), png.GetPixel(3, 3));
    }

    [Fact]
    public void AFolderWithoutResultsIsRefusedNamingIt()
    {
        using var temp = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => ReportInputs.Load(temp.Path));
        Assert.StartsWith(temp.Path, e.Message);
    }
}
