using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// <c>train --task finding</c> end to end on a few real images: the three-class model, its evaluation's findings section,
/// predict's bacterial or viral; and data without findings refused with one line.
/// </summary>
[Collection("cli")]
public class FindingTaskCliTests
{
    [SkippableFact]
    public async Task AFindingModelTrainsEvaluatesAndPredicts()
    {
        using var data = TestData.SmallDataRoot(16, "train", "test");
        using var dir = new TempDir();
        var run = dir.Combine("run");
        var train = await InProcessCli.RunAsync("train", "--task", "finding", "--data", data.Path, "--out", run, "--epochs", "1", "--batch-size", "8", "--seed", "3");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains(train.OutputLines, l => l.StartsWith("findings: train NORMAL ", StringComparison.Ordinal));
        using (var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json"))))
            Assert.Equal("finding", model.RootElement.GetProperty("task").GetString());
        Assert.StartsWith("path,label,probability,class,p_normal,p_bacterial,p_viral", File.ReadLines(Path.Combine(run, "validation_predictions.csv")).First());

        var evaluate = await InProcessCli.RunAsync("evaluate", "--model", run, "--data", data.Path, "--split", "test", "--out", dir.Combine("eval"), "--bootstrap", "100");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains(evaluate.OutputLines, l => l.StartsWith("findings (the most probable class", StringComparison.Ordinal));
        Assert.Contains(evaluate.OutputLines, l => l.StartsWith("bacterial vs viral among the ", StringComparison.Ordinal));
        var lines = evaluate.OutputLines;
        int from = Array.FindIndex(lines, l => l.StartsWith("findings", StringComparison.Ordinal)), to = Array.FindIndex(lines, l => l.StartsWith("probabilities", StringComparison.Ordinal));
        foreach (var line in lines[from..to]) Assert.True(line.Length <= 80, $"{line.Length} columns: {line}");  // the tables; paths may be longer
        Assert.True(File.Exists(dir.Combine("eval", "findings_confusion.png")));
        Assert.True(File.Exists(dir.Combine("eval", "findings_roc.png")));
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Combine("eval"), "metrics.json"))))
        {
            var findings = metrics.RootElement.GetProperty("findings");
            int total = findings.GetProperty("confusion_matrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32()));
            Assert.Equal(metrics.RootElement.GetProperty("n").GetInt32(), total);
            Assert.Equal(16, findings.GetProperty("bacterial_vs_viral_images").GetInt32());
        }

        var image = Directory.GetFiles(Path.Combine(data.Path, "test", "PNEUMONIA")).Order(StringComparer.Ordinal).First();
        var predict = await InProcessCli.RunAsync("predict", "--model", run, "--format", "csv", image);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Contains("finding,finding_probability,p_normal,p_bacterial,p_viral", predict.Stdout);
    }

    [SkippableFact]
    public async Task APneumoniaImageWithoutAFindingInItsNameIsRefusedInOneLine()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        var pneumonia = Path.Combine(data.Path, "train", "PNEUMONIA");
        var renamed = Path.Combine(pneumonia, "scan7.jpeg");
        File.Move(Directory.GetFiles(pneumonia).Order(StringComparer.Ordinal).First(), renamed);
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("train", "--task", "finding", "--data", data.Path, "--out", dir.Combine("run"), "--epochs", "1");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.ErrorLines.Where(l => !l.StartsWith("progress:", StringComparison.Ordinal)));
        Assert.Contains("scan7.jpeg", line);
        Assert.Contains("--task finding", line);

        var bad = await InProcessCli.RunAsync("train", "--task", "viral", "--data", data.Path, "--out", dir.Combine("run2"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--task", Assert.Single(bad.ErrorLines));
    }
}
