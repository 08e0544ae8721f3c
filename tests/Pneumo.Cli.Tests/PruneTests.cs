using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>pneumo prune through the real program: the report, and a pruned model that evaluate and predict accept.</summary>
[Collection("cli")]
public class PruneTests(TrainedModelFixture fixture)
{
    [SlowFact]
    public void PruneWritesItsReportAndAModelDirectoryThatEvaluateAndPredictAccept()
    {
        TestData.RequireDataset();
        var work = fixture.Work!;
        var outDir = work.Combine("prune");
        var r = CliRunner.Run(work.Path, "prune", "--model", fixture.ModelDir, "--data", fixture.Data!.Path, "--method", "magnitude",
                              "--sparsity", "0.5", "--retrain-epochs", "1", "--threads", "2", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith("magnitude-retrained 0.50  zeros 0.5000"));
        Assert.Contains("retraining magnitude 0.50, epoch 1/1", r.Stdout);
        foreach (var file in new[] { "summary.json", "pruning.csv", "pruning.md", "pruning.png" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing");

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var saved = summary.RootElement.GetProperty("saved_model");
        var modelDir = Path.Combine(outDir, saved.GetProperty("directory").GetString()!);
        Assert.True(saved.GetProperty("zip_bytes").GetInt64() < saved.GetProperty("dense_zip_bytes").GetInt64());
        var row = summary.RootElement.GetProperty("rows").EnumerateArray()
            .Single(x => x.GetProperty("variant").GetString() == saved.GetProperty("variant").GetString());
        Assert.Contains("provenance", summary.RootElement.EnumerateObject().Select(p => p.Name));

        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDir, "model.json")));
        var pruning = model.RootElement.GetProperty("pruning");
        Assert.Equal(0.5, pruning.GetProperty("sparsity").GetDouble(), 3);
        Assert.Equal("magnitude", pruning.GetProperty("method").GetString());
        Assert.Equal("layer", pruning.GetProperty("scope").GetString());
        // the pruned model carries its own threshold, chosen on its validation predictions, and the dense one only as its source's
        double threshold = row.GetProperty("threshold").GetDouble();
        Assert.Equal(threshold, model.RootElement.GetProperty("threshold").GetDouble());
        Assert.Equal(threshold, model.RootElement.GetProperty("thresholds").GetProperty("youden").GetDouble());
        Assert.Equal(threshold, saved.GetProperty("threshold").GetDouble());
        Assert.Equal(summary.RootElement.GetProperty("threshold").GetDouble(), pruning.GetProperty("source_threshold").GetDouble());

        var evalDir = work.Combine("prune-eval");
        var e = CliRunner.Run(work.Path, "evaluate", "--model", modelDir, "--data", fixture.Data.Path, "--out", evalDir);
        Assert.True(e.ExitCode == 0, e.ToString());
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(evalDir, "metrics.json")));
        Assert.Equal(row.GetProperty("test").GetProperty("accuracy").GetDouble(), metrics.RootElement.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(threshold, metrics.RootElement.GetProperty("threshold").GetDouble());

        var image = Directory.GetFiles(Path.Combine(fixture.Data.Path, "test", "PNEUMONIA"))[0];
        var p = CliRunner.Run(work.Path, "predict", "--model", modelDir, image);
        Assert.True(p.ExitCode == 0, p.ToString());
    }

    [Theory]
    [InlineData("--sparsity", "0.5,abc")]
    [InlineData("--sparsity", "1.5")]
    [InlineData("--sparsity", "0.5,0.50001")]
    [InlineData("--method", "lottery")]
    [InlineData("--scope", "block")]
    public async Task BadValuesNameTheOption(string option, string value)
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("prune", "--model", dir.Combine("m"), "--out", dir.Combine("x"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, Assert.Single(r.ErrorLines));
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
    }

    [Fact]
    public async Task AMissingModelIsOneLine()
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("prune", "--model", dir.Combine("nowhere"), "--data", dir.Path, "--out", dir.Combine("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(dir.Combine("nowhere"), Assert.Single(r.ErrorLines));
    }
}
