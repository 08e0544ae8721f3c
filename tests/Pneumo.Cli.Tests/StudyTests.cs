using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>pneumo study through the real program, on a tiny data root: every stage, the report, resuming, refusals.</summary>
public class StudyTests
{
    private static readonly string[] Stages =
    [
        "data summary", "train szanet", "test szanet", "train resnet18-frozen", "test resnet18-frozen",
        "train resnet18-finetune", "test resnet18-finetune", "prune szanet", "cv szanet", "cv resnet18-frozen", "report",
    ];

    /// <summary>About a minute on a free 2-core machine; far longer when a niced test shares it with a training job.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    [SlowFact]
    public void AQuickStudyRunsEveryStageWritesTheReportAndARerunRedoesNothing()
    {
        using var data = TestData.SmallDataRoot(8, "train", "test");
        using var work = new TempDir();
        var outDir = work.Combine("study");
        string[] args = ["study", "--data", data.Path, "--out", outDir, "--quick", "--cv", "--folds", "2", "--epochs", "1",
                         "--bootstrap", "100", "--threads", "2"];

        var first = CliRunner.Run(work.Path, null, Patience, args);
        Assert.True(first.ExitCode == 0, first.ToString());
        foreach (var file in new[] { "report/report.html", "report/report.md", "report/summary.json", "data/data.json",
                                     "data/class-distribution.png", "data/examples.png", "runs/resnet18-finetune/test/metrics.json",
                                     "pruning/pruning.md", "cv/resnet18-frozen/cv.md" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing\n{first}");
        foreach (var stage in Stages)
        {
            Assert.Contains(first.Stdout.Split('\n'), l => l.StartsWith("stage ") && l.EndsWith($" {stage}: start"));
            Assert.Contains(first.Stdout.Split('\n'), l => l.StartsWith("stage ") && l.Contains($" {stage}: finished in "));
        }
        // each stage's key figures when it ends; progress on standard error, the stages counted
        foreach (var arch in new[] { "szanet", "resnet18-frozen", "resnet18-finetune" })
            Assert.Contains(first.Stdout.Split('\n'), l => l.StartsWith($"  {arch}: test accuracy ", StringComparison.Ordinal) && l.Contains(", AUC "));
        Assert.Contains(first.Stdout.Split('\n'), l => l.StartsWith("  szanet: 2 folds, test accuracy ", StringComparison.Ordinal));
        Assert.Contains(first.Stderr.Split('\n'), l => l.StartsWith($"progress: study stages: {Stages.Length}/{Stages.Length} (100%) in ", StringComparison.Ordinal));
        var record = ReadStudy(outDir);
        Assert.True(record.GetProperty("complete").GetBoolean());
        Assert.Equal(42, record.GetProperty("seed").GetInt32());
        Assert.StartsWith("pneumo study --data", record.GetProperty("invocations")[0].GetProperty("command").GetString());
        var stages = record.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(Stages, stages.Select(s => s.GetProperty("name").GetString()));
        Assert.All(stages, s => Assert.Equal("finished", s.GetProperty("status").GetString()));
        // One after another in that order, each writing its output and taking time (the smallest, the data summary, decodes and plots).
        for (int i = 0; i < stages.Count; i++)
        {
            var (stage, name) = (stages[i], Stages[i]);
            Assert.True(File.Exists(Path.Combine(outDir, stage.GetProperty("output").GetString()!)), $"{name}: {stage.GetProperty("output")} missing");
            var started = stage.GetProperty("started_utc").GetDateTime();
            Assert.True(stage.GetProperty("finished_utc").GetDateTime() >= started, name);
            if (i > 0) Assert.True(started >= stages[i - 1].GetProperty("finished_utc").GetDateTime(), $"{name} started before {Stages[i - 1]} finished");
            Assert.True(stage.GetProperty("seconds").GetDouble() > 0, $"{name}: {stage.GetProperty("seconds")} s");
        }

        // fine-tuning started from the study's own frozen-base model
        using var finetune = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "runs", "resnet18-finetune", "model.json")));
        Assert.Equal(Path.Combine(outDir, "runs", "resnet18-frozen"), finetune.RootElement.GetProperty("training").GetProperty("init_from").GetString());
        // the report covers the three models, the pruned model and both cross-validations
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report", "summary.json")));
        Assert.Equal(4, summary.RootElement.GetProperty("models").GetArrayLength() - summary.RootElement.GetProperty("cross_validations").GetArrayLength());
        Assert.Equal(2, summary.RootElement.GetProperty("cross_validations").GetArrayLength());

        var weights = Path.Combine(outDir, "runs", "szanet", "weights.pt");
        var written = File.GetLastWriteTimeUtc(weights);
        var again = CliRunner.Run(work.Path, null, Patience, args);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain(again.Stdout.Split('\n'), l => l.StartsWith("stage ") && l.EndsWith(": start"));
        Assert.Equal(Stages.Length, again.Stdout.Split('\n').Count(l => l.StartsWith("stage ") && l.Contains(": already finished (")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));
        var rerun = ReadStudy(outDir);
        Assert.Equal(stages.Select(s => s.GetProperty("finished_utc").GetString()),
                     rerun.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("finished_utc").GetString()));
        Assert.Equal(2, rerun.GetProperty("invocations").GetArrayLength());

        // The finding model can be added to a finished study: only its two stages and the report run, and the report
        // gets its bacterial-or-viral tables and figures, recomputed from its test predictions' class columns.
        var findings = CliRunner.Run(work.Path, null, Patience, [.. args, "--findings"]);
        Assert.True(findings.ExitCode == 0, findings.ToString());
        var ran = findings.Stdout.Split('\n').Where(l => l.StartsWith("stage ") && l.EndsWith(": start")).ToList();
        Assert.Equal(["train resnet18-frozen-finding", "test resnet18-frozen-finding", "report"],
                     ran.Select(l => l[(l.IndexOf(' ', 6) + 1)..^": start".Length]));
        Assert.Contains(findings.Stdout.Split('\n'), l => l.StartsWith("  resnet18-frozen-finding: test accuracy ", StringComparison.Ordinal));
        using (var finding = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "runs", "resnet18-frozen-finding", "model.json"))))
            Assert.Equal("finding", finding.RootElement.GetProperty("task").GetString());
        var report = File.ReadAllText(Path.Combine(outDir, "report", "report.md"));
        Assert.Contains("## Bacterial or viral (finding models)", report);
        Assert.Contains("| Kermany et al. 2018 | | 0.907 |", report);
        foreach (var figure in new[] { "findings-confusion-resnet18-frozen-finding.png", "findings-roc-resnet18-frozen-finding.png" })
            Assert.True(new FileInfo(Path.Combine(outDir, "report", "figures", figure)).Length > 1000, figure);
        using (var withFindings = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report", "summary.json"))))
        {
            var models = withFindings.RootElement.GetProperty("models").EnumerateArray().ToList();
            var matrix = Assert.Single(models, m => m.GetProperty("name").GetString() == "resnet18-frozen-finding")
                               .GetProperty("findings").GetProperty("confusion_matrix");
            Assert.Equal(16, matrix.EnumerateArray().Sum(row => row.EnumerateArray().Sum(n => n.GetInt32())));   // the 16 test images
            Assert.All(models.Where(m => m.GetProperty("name").GetString() != "resnet18-frozen-finding"),
                       m => Assert.False(m.TryGetProperty("findings", out var f) && f.ValueKind != JsonValueKind.Null));
        }
        Assert.True(ReadStudy(outDir).GetProperty("options").GetProperty("findings").GetBoolean());

        var other = CliRunner.Run(work.Path, ["study", "--data", data.Path, "--out", outDir, "--quick", "--epochs", "2"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("other options", Assert.Single(other.ErrorLines));
    }

    [Theory]
    [InlineData("--threads", "-1")]
    [InlineData("--epochs", "0")]
    [InlineData("--limit", "1")]
    [InlineData("--bootstrap", "10")]
    [InlineData("--folds", "1")]
    public void BadValuesNameTheOption(string option, string value)
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(dir.Path, "study", "--out", "x", "--quick", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, r.Stdout + r.Stderr);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "x")));
    }

    [Fact]
    public void OutIsRequired()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(dir.Path, "study", "--quick");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out", r.Stdout + r.Stderr);
    }

    private static JsonElement ReadStudy(string outDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "study.json"))).RootElement.Clone();
}
