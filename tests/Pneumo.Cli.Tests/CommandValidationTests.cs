using Pneumo.Cli.SharedSettings;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Parsing and validation of every verb, in-process: an unknown option or a bad value is exit code 2 and one line on
/// standard error that names the option or path, with nothing on standard output and nothing written.
/// </summary>
public class CommandValidationTests
{
    /// <summary>A folder that does not exist (and must not be created by a refused command).</summary>
    private static readonly string Missing = Path.Combine(Path.GetTempPath(), "pneumo-tests-missing-" + Guid.NewGuid().ToString("N")[..12]);

    private static readonly string Out = Path.Combine(Path.GetTempPath(), "pneumo-tests-unwritten-" + Guid.NewGuid().ToString("N")[..12]);

    private static readonly string Model = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>Arguments, and what the one error line must contain.</summary>
    public static TheoryData<string[], string> BadCommandLines() => new()
    {
        { ["train"], "--out RUN_DIR is required" },
        { ["train", "--out", Out, "--epochs", "-1"], "--epochs" },
        { ["train", "--out", Out, "--arch", "vgg16"], "--arch: unknown architecture 'vgg16'" },
        { ["train", "--out", Out, "--split-by", "hospital"], "--split-by" },
        { ["train", "--out", Out, "--threads", "-2"], "--threads" },
        { ["train", "--out", Out, "--resume", Out], "--out and --resume cannot be combined" },
        { ["train", "--out", Out, "--data", Missing], Missing },
        { ["evaluate", "--model", Model], "--out OUT_DIR is required" },
        { ["evaluate", "--out", Out, "--bootstrap", "10"], "--bootstrap" },
        { ["evaluate", "--model", Missing, "--out", Out, "--data", TestData.RepositoryRoot], Missing },
        { ["cv", "--out", Out, "--folds", "1"], "--folds" },
        { ["cv", "--out", Out, "--fold", "6"], "--fold must be between 1 and --folds (5)" },
        { ["cv", "--out", Out, "--arch", "vgg16"], "--arch" },
        { ["cv", "--out", Out, "--data", Missing], Missing },
        { ["report", "--out", Out], "--runs DIR is required" },
        { ["report", "--runs", Missing, "--out", Out], Missing },
        { ["report", "--model", Model, "--runs", Missing, "--out", Out], "--model (a model card) and --runs (the study report) cannot be combined" },
        { ["report", "--evaluation", Missing, "--out", Out], "--evaluation and --audit need --model" },
        { ["report", "--model", Missing, "--out", Out], Missing },
        { ["report", "--model", Model, "--evaluation", Missing, "--out", Out], Missing },
        { ["report", "--model", Model, "--evaluation", Path.Combine(TestData.RepositoryRoot, "results", "resnet18-frozen"), "--out", Out], "evaluates a resnet18-frozen model, not szanet" },
        { ["report", "--model", Model, "--audit", Path.Combine(TestData.RepositoryRoot, "results", "generalisation", "audit", "resnet18-full-test"), "--out", Out], "audits resnet18-full version e7e2ecdc0edd, not szanet's" },
        { ["study"], "--out DIR is required" },
        { ["study", "--out", Out, "--threads", "-1"], "--threads" },
        { ["study", "--out", Out, "--data", Missing], Missing },
        { ["prune", "--model", Model], "--out DIR is required" },
        { ["prune", "--out", Out, "--method", "lottery"], "--method" },
        { ["prune", "--out", Out, "--scope", "network"], "--scope" },
        { ["prune", "--out", Out, "--sparsity", "half"], "--sparsity" },
        { ["prune", "--out", Out, "--data", Missing], Missing },
        { ["audit", "--model", Model], "--out OUT_DIR is required" },
        { ["audit", "--out", Out, "--split", "train"], "--split" },
        { ["audit", "--out", Out, "--border", "0.7"], "--border" },
        { ["audit", "--out", Out, "--data", Missing], Missing },
        { ["predict"], "IMAGE_OR_DIR" },
        { ["predict", "--format", "xml", "x.jpeg"], "--format" },
        { ["predict", "--model", Missing, "x.jpeg"], Missing },
        { ["export", "--model", Model], "--out FILE is required" },
        { ["export", "--out", Out, "--format", "pt"], "--format" },
        { ["export", "--model", Missing, "--out", Out], Missing },
        { ["quantize", "--calibration", "0"], "--calibration must be at least 1" },
        { ["quantize", "--model", Missing], Missing },
        { ["predict", "--engine", "int4", "x.jpeg"], "--engine: 'int4' is not torch, onnx or onnx-int8" },
        { ["export", "--out", Out, "--quantize", "int4"], "--quantize: 'int4' is not a known type (known: int8)" },
        { ["export", "--out", Out, "--quantize", "int8", "--format", "safetensors"], "--quantize goes with --format onnx" },
        { ["export", "--out", Out, "--calibration", "100"], "--calibration goes with --quantize int8" },
        { ["export", "--out", Out, "--quantize", "int8", "--calibration", "0"], "--calibration must be at least 1" },
        { ["export", "--model", Model, "--out", Out, "--quantize", "int8", "--data", Missing], Missing },
        { ["bench", "--arch", "vgg16"], "--arch" },
        { ["bench", "--threads", "-1"], "--threads" },
        { ["bench", "--data", Missing], Missing },
        { ["bench", "--url", "http://127.0.0.1:5080"], "--soak" },
        { ["bench", "--calibration", "64"], "--calibration goes with --int8" },
        { ["bench", "--soak", "--engine", "tensorflow"], "--engine" },
        { ["bench", "--soak", "--concurrency", "0"], "--concurrency" },
        { ["bench", "--soak", "--url", "ftp://127.0.0.1"], "--url" },
        { ["bench", "--soak", "--explain-fraction", "2"], "--explain-fraction" },
        { ["bench", "--soak", "--serve", "no-name"], "--serve" },
        { ["bench", "--soak", "--serve", "a=--max-batch 1", "--engine", "onnx"], "--serve" },
        { ["bench", "--soak", "--block-size", "0"], "--block-size" },
        { ["serve", "--engine", "tensorflow"], "--engine" },
        { ["serve", "--urls", "ftp://127.0.0.1:5080"], "--urls" },
        { ["serve", "--max-upload-mb", "0"], "--max-upload-mb" },
        { ["serve", "--max-batch", "0"], "--max-batch" },
        { ["serve", "--batch-wait-ms", "-1"], "--batch-wait-ms" },
        { ["serve", "--urls", "http://127.0.0.1:0", "--model", Missing], Missing },
    };

    [Theory, MemberData(nameof(BadCommandLines))]
    public async Task ABadCommandLineIsExitTwoAndOneLineNamingTheProblem(string[] args, string named)
    {
        var r = await InProcessCli.RunAsync(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(named, line);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(Path.Exists(Out), $"{Out} was created by a refused command");
    }

    [Theory, MemberData(nameof(HelpTests.EveryVerb), MemberType = typeof(HelpTests))]
    public async Task AnUnknownOptionIsExitTwoAndOneLineNamingIt(string verb)
    {
        var r = await InProcessCli.RunAsync(verb, "--bogus", "1");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("bogus", line);
    }

    [Fact]
    public async Task AFolderWithoutAClassFolderIsNamed()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("data", "train", "NORMAL"));
        var r = await InProcessCli.RunAsync("train", "--data", dir.Combine("data"), "--out", dir.Combine("run"));
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains(dir.Combine("data", "train"), line);
        Assert.Contains("missing class folder PNEUMONIA", line);
    }

    [Fact]
    public async Task AFolderWithoutModelJsonIsNotAModelDirectory()
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("predict", "--model", dir.Path, "x.jpeg");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal($"error: {dir.Path}: not a model directory (no model.json)", Assert.Single(r.ErrorLines));
    }

    /// <summary>The shared options keep their names and defaults (the README documents them).</summary>
    [Fact]
    public async Task SharedOptionsKeepTheirDefaults()
    {
        // Command lines that pass validation and then stop at the missing data root: the settings were bound and checked.
        var r = await InProcessCli.RunAsync("audit", "--out", Out, "--data", Missing);
        Assert.Equal(2, r.ExitCode);
        var audit = Assert.IsAssignableFrom<ModelSeedSettings>(r.Settings);
        Assert.Equal((42, 0, null, Missing), (audit.Seed, audit.Threads, audit.Model, audit.Data));
        r = await InProcessCli.RunAsync("cv", "--out", Out, "--seed", "7", "--threads", "1", "--data", Missing);
        Assert.Equal(2, r.ExitCode);
        var cv = Assert.IsAssignableFrom<SeedSettings>(r.Settings);
        Assert.Equal((7, 1, Missing), (cv.Seed, cv.Threads, cv.Data));
        r = await InProcessCli.RunAsync("prune", "--out", Out, "--data", Missing);
        var prune = Assert.IsAssignableFrom<ModelThreadsSettings>(r.Settings);
        Assert.Equal((0, null), (prune.Threads, ((Pneumo.Cli.Commands.PruneCommand.Settings)prune).Seed)); // prune's seed defaults to the model's
    }

    /// <summary>Each shared option is described once: every verb that has it shows the same help line.</summary>
    [Theory]
    [InlineData("--data <DIR>", new[] { "train", "evaluate", "cv", "study", "prune", "audit", "bench", "export" })]
    [InlineData("--threads <N>", new[] { "train", "cv", "study", "prune", "audit", "bench" })]
    [InlineData("--seed <S>", new[] { "train", "cv", "study", "audit" })]
    [InlineData("--model <MODEL_DIR>", new[] { "evaluate", "prune", "audit", "export", "bench", "predict", "serve" })]
    public async Task ASharedOptionReadsTheSameInEveryVerb(string option, string[] verbs)
    {
        var lines = new List<string>();
        foreach (var verb in verbs)
        {
            var help = await InProcessCli.RunAsync(verb, "--help");
            Assert.Equal(0, help.ExitCode);
            var line = Assert.Single(help.OutputLines, l => l.TrimStart().StartsWith(option, StringComparison.Ordinal));
            lines.Add(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))); // the columns' padding depends on the verb
            Assert.True(line.Trim().Length > option.Length + 20, $"{verb}: {line}"); // described
        }
        // --model is repeatable in predict and serve (an ensemble): two texts, each the same wherever it is used.
        Assert.InRange(lines.Distinct().Count(), 1, option == CommonOptions.Model ? 2 : 1);
    }
}
