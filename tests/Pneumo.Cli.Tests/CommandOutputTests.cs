using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// The real output of the fast verbs, in-process on real X-rays and the shipped models: predict's three formats,
/// export's files, report on a committed result folder, evaluate, audit and a one-epoch train.
/// </summary>
public class CommandOutputTests
{
    /// <summary>Round 1's resnet18-full (threshold rule 0.5), one of the default ensemble's members.</summary>
    private static readonly string RoundOne = Path.Combine(TestData.RepositoryRoot, "models", "resnet18-full");
    private static readonly string Szanet = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>A PNEUMONIA and a NORMAL X-ray of the official test set that the shipped default model gets right by far (p 0.998 and 0.006).</summary>
    private static (string Pneumonia, string Normal) KnownImages(string data) =>
        (Path.Combine(data, "test", "PNEUMONIA", "person100_bacteria_475.jpeg"), Path.Combine(data, "test", "NORMAL", "IM-0001-0001.jpeg"));

    [SkippableFact]
    public async Task PredictWithoutModelUsesTheRoundOneAndPrintsProbabilityLabelAndHeatmap()
    {
        var data = TestData.RequireDataset();
        Skip.If(Environment.GetEnvironmentVariable("PNEUMO_MODEL") is { Length: > 0 }, "PNEUMO_MODEL is set: the default model is not the shipped one");
        var (pneumonia, _) = KnownImages(data);
        using var maps = new TempDir();
        var r = await InProcessCli.RunAsync("predict", "--explain", maps.Path, pneumonia);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.Equal(2, r.OutputLines.Length);
        // The shipped model carries a referral rule (pneumo calibrate): an image this sure is decided, and the summary counts it.
        Assert.Equal("1 image: 0 NORMAL, 1 PNEUMONIA, 0 REFER (uncertain: refer to a radiologist)", r.OutputLines[1]);
        var fields = r.OutputLines[0].Split('\t');
        Assert.Equal(4, fields.Length);
        Assert.Equal(pneumonia, fields[0]);
        Assert.InRange(double.Parse(fields[1], CultureInfo.InvariantCulture), 0.9, 1);
        Assert.Equal("PNEUMONIA", fields[2]);
        Assert.Equal(Path.Combine(maps.Path, "person100_bacteria_475.gradcam.png"), fields[3]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(fields[3])[..4]);
    }

    [SkippableFact]
    public async Task PredictJsonAndCsvAreCleanMachineReadableOutput()
    {
        var data = TestData.RequireDataset();
        var (pneumonia, normal) = KnownImages(data);
        var json = await InProcessCli.RunAsync("predict", "--model", RoundOne, "--format", "json", pneumonia, normal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("", json.Stderr);
        var items = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList(); // the whole output is one JSON document
        Assert.Equal([pneumonia, normal], items.Select(i => i.GetProperty("path").GetString()));
        Assert.Equal(["PNEUMONIA", "NORMAL"], items.Select(i => i.GetProperty("label").GetString()));
        Assert.Equal(["PNEUMONIA", "NORMAL"], items.Select(i => i.GetProperty("decision").GetString()));  // no referral rule: the label
        Assert.Equal("resnet18-full", items[0].GetProperty("models")[0].GetProperty("name").GetString());
        Assert.Equal(0.5, items[0].GetProperty("threshold").GetDouble());

        var csv = await InProcessCli.RunAsync("predict", "--model", RoundOne, "--format", "csv", pneumonia, normal);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.OutputLines;
        Assert.Equal("path,probability,label,decision", lines[0]);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 2; i++)
        {
            var row = lines[i + 1].Split(',');
            Assert.Equal(items[i].GetProperty("path").GetString(), row[0]);
            Assert.Equal(items[i].GetProperty("probability").GetDouble(), double.Parse(row[1], CultureInfo.InvariantCulture)); // round-trip format
            Assert.Equal(items[i].GetProperty("label").GetString(), row[2]);
            Assert.Equal(items[i].GetProperty("decision").GetString(), row[3]);
        }
    }

    [SkippableFact]
    public async Task PredictReportsAMissingFileOnStandardErrorAndScoresTheRest()
    {
        var data = TestData.RequireDataset();
        var (_, normal) = KnownImages(data);
        using var dir = new TempDir();
        var missing = dir.Combine("missing.jpeg");
        var r = await InProcessCli.RunAsync("predict", "--model", RoundOne, "--format", "csv", missing, normal);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal([$"error: {missing}: file not found"], r.ErrorLines);
        Assert.Equal(2, r.OutputLines.Length);
        Assert.Equal("path,probability,label,decision", r.OutputLines[0]);
        Assert.StartsWith($"{normal},", r.OutputLines[1]);
        Assert.EndsWith(",NORMAL,NORMAL", r.OutputLines[1]);
    }

    [Fact]
    public async Task ExportWritesOnnxAndSafetensorsFiles()
    {
        using var dir = new TempDir();
        var onnx = dir.Combine("szanet.onnx");
        var r = await InProcessCli.RunAsync("export", "--model", Szanet, "--format", "onnx", "--out", onnx);
        Assert.True(r.ExitCode == 0, r.ToString());
        var bytes = new FileInfo(onnx).Length;
        Assert.True(bytes > 100_000, $"{bytes} bytes");
        Assert.Equal($"{onnx}: szanet model 488f0cd2cf1f as onnx ({bytes:N0} bytes)", Assert.Single(r.OutputLines));

        var safetensors = dir.Combine("szanet.safetensors");
        r = await InProcessCli.RunAsync("export", "--model", Szanet, "--format", "safetensors", "--out", safetensors);
        Assert.True(r.ExitCode == 0, r.ToString());
        var file = File.ReadAllBytes(safetensors);
        var headerLength = (int)BitConverter.ToUInt64(file, 0);
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        Assert.Equal("szanet", header.RootElement.GetProperty("__metadata__").GetProperty("architecture").GetString());
        Assert.True(header.RootElement.TryGetProperty("conv1.weight", out _));
    }

    [Fact]
    public async Task ReportOnACommittedResultFolderCarriesItsNumbers()
    {
        var results = Path.Combine(TestData.RepositoryRoot, "results", "szanet");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("report", "--runs", results, "--bootstrap", "100", "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.OutputLines, l => l.StartsWith($"wrote {Path.Combine(dir.Path, "report.html")}", StringComparison.Ordinal));
        Assert.True(File.Exists(dir.Combine("report.md")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "metrics.json")));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.Combine("summary.json")));
        var model = Assert.Single(summary.RootElement.GetProperty("models").EnumerateArray());
        foreach (var key in new[] { "n", "auc", "accuracy", "sensitivity", "specificity" })
            Assert.Equal(metrics.RootElement.GetProperty(key).GetDouble(), model.GetProperty("test").GetProperty(key).GetDouble());
    }

    [SkippableFact]
    public async Task EvaluatePrintsTheMetricsTableAndLabelsEveryImage()
    {
        using var data = TestData.SmallDataRoot(3, "test");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("evaluate", "--model", Szanet, "--data", data.Path, "--bootstrap", "100", "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.OutputLines, l => l.Contains("rule") && l.Contains("threshold") && l.Contains("sensitivity") && l.Contains("FN"));
        Assert.Contains(r.OutputLines, l => l.StartsWith("* youden ", StringComparison.Ordinal));  // the rule in use
        Assert.Contains(r.OutputLines, l => l.StartsWith("  default ", StringComparison.Ordinal));
        Assert.Contains(r.OutputLines, l => l.StartsWith("6 images; model threshold (youden)", StringComparison.Ordinal));
        Assert.Contains(r.OutputLines, l => l.StartsWith("  ECE ", StringComparison.Ordinal));
        // Output redirected (test consoles, no terminal): progress is plain lines on standard error, each step ending at 100%.
        Assert.Contains(r.ErrorLines, l => l.StartsWith("progress: decoding: 6/6 (100%) in ", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.StartsWith("progress: scoring: 6/6 (100%) in ", StringComparison.Ordinal));
        Assert.All(r.ErrorLines, l => Assert.StartsWith("progress: ", l));
        Assert.DoesNotContain(r.OutputLines, l => l.StartsWith("progress", StringComparison.Ordinal));
        Assert.StartsWith("evaluating ", r.OutputLines[0]);
        var rows = File.ReadAllLines(dir.Combine("predictions.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row => Assert.Equal(row[0].StartsWith("test/PNEUMONIA/", StringComparison.Ordinal) ? "1" : "0", row[1]));
    }

    /// <summary>
    /// predict over a folder: progress on standard error, the CSV on standard output exactly as without it (a header and
    /// one row per image, nothing else).
    /// </summary>
    [SkippableFact]
    public async Task PredictOverAFolderKeepsItsOutputAndReportsProgressOnStandardError()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        var folder = Path.Combine(data.Path, "test");
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var overFolder = await InProcessCli.RunAsync("predict", "--model", Szanet, "--format", "csv", folder);
        var overFiles = await InProcessCli.RunAsync(["predict", "--model", Szanet, "--format", "csv", .. files]);
        Assert.True(overFolder.ExitCode == 0, overFolder.ToString());
        Assert.Equal(overFiles.Stdout, overFolder.Stdout);
        Assert.Equal(files.Length + 1, overFolder.OutputLines.Length);
        Assert.Equal("", overFiles.Stderr);  // a list of files is not long work: no progress
        Assert.Equal(Enumerable.Range(1, files.Length).Select(i => $"progress: predicting: {i}/{files.Length} ({100 * i / files.Length}%)"),
                     overFolder.ErrorLines.Select(l => l.Split(new[] { ", about", " in " }, StringSplitOptions.None)[0]));
    }

    [SkippableFact]
    public async Task AuditPrintsItsTablesAndWritesItsFiles()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("audit", "--model", Szanet, "--data", data.Path, "--split", "test", "--bootstrap", "100", "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.OutputLines, l => l.Contains("Grad-CAM region") && l.Contains("excess"));
        Assert.Contains(r.OutputLines, l => l.StartsWith("4 images in ", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.StartsWith("progress: auditing: 4/4 (100%) in ", StringComparison.Ordinal));
        Assert.DoesNotContain(r.OutputLines, l => l.StartsWith("progress", StringComparison.Ordinal));
        using var audit = JsonDocument.Parse(File.ReadAllText(dir.Combine("audit.json")));
        Assert.Equal(4, audit.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(5, File.ReadAllLines(dir.Combine("audit.csv")).Length);
    }

    /// <summary>On an 80-column terminal: no line wider, and the tables' cells whole (no "│ defau │" / "│ lt │").</summary>
    [SkippableFact]
    public async Task EvaluateAndAuditFitAnEightyColumnTerminal()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        using var dir = new TempDir();
        var evaluate = await InProcessCli.RunAtWidthAsync(80, "evaluate", "--model", Szanet, "--data", data.Path, "--bootstrap", "100", "--out", dir.Combine("e"));
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        var audit = await InProcessCli.RunAtWidthAsync(80, "audit", "--model", Szanet, "--data", data.Path, "--split", "test", "--bootstrap", "100", "--out", dir.Combine("a"));
        Assert.True(audit.ExitCode == 0, audit.ToString());
        foreach (var line in evaluate.OutputLines.Concat(audit.OutputLines)) Assert.True(line.Length <= 80, $"{line.Length} columns: {line}");
        Assert.Contains(evaluate.OutputLines, l => l.StartsWith("  default ", StringComparison.Ordinal));  // each rule's row whole
        Assert.Contains(evaluate.OutputLines, l => l.StartsWith("* youden ", StringComparison.Ordinal));
        foreach (var heading in new[] { "Grad-CAM region", "area share", "PNEUMONIA", "95% CI", "excess", "mean |Δp|", "→PNEUMONIA", "→NORMAL", "accuracy at 0.5" })
            Assert.Contains(audit.OutputLines, l => l.Contains(heading, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task TrainPrintsOneLinePerEpochAndLeavesAModelDirectory()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var dir = new TempDir();
        var run = dir.Combine("run");
        var r = await InProcessCli.RunAsync("train", "--data", data.Path, "--out", run, "--epochs", "1", "--batch-size", "8", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"data: {data.Path}", r.OutputLines[0]);
        Assert.Single(r.OutputLines, l => l.StartsWith("epoch   1  loss ", StringComparison.Ordinal) && l.Contains("val_auc"));
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json")));
        Assert.Equal("szanet", model.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(3, model.RootElement.GetProperty("seed").GetInt32());
    }
}
