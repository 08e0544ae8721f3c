using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Reporting.Report;
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

    [Fact]
    public void AFolderWithoutResultsIsRefusedNamingIt()
    {
        using var temp = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => ReportInputs.Load(temp.Path));
        Assert.StartsWith(temp.Path, e.Message);
    }
}
