using System.ComponentModel;
using System.Diagnostics;
using Pneumo.Bench;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo bench</c>: speed and memory of training, inference and diagnosis on this machine.</summary>
public sealed class BenchCommand(Terminal terminal) : PneumoCommand<BenchCommand.Settings>(terminal)
{
    public sealed class Settings : ModelThreadsSettings
    {
        [CommandOption("--out <DIR>"), Description("Where bench.json and README.md go."), DefaultValue("results/bench")]
        public string Out { get; init; } = "results/bench";

        [CommandOption("--quick"), Description("Small sizes everywhere: about two minutes on 2 cores (the memory measurement uses 320 images per epoch, not the whole training set).")]
        public bool Quick { get; init; }

        [CommandOption("--arch <NAME>"), Description("Architecture to measure; repeat for several (default: szanet, resnet18-frozen, resnet18-finetune, resnet18-full).")]
        public string[]? Arch { get; init; }

        [CommandOption("--image-store"), Description("Measure the decoded-image store instead: decode-or-load time and memory on the training set and on a 10x set of hard links, first run against second run (results in results/bench/image-store unless --out is given).")]
        public bool ImageStore { get; init; }

        [CommandOption("--image-store-batches <N>"), Description("Batches of the image-store bench's training epoch, drawn at random from the whole set (0 = a full epoch). Default 40, 8 with --quick.")]
        public int? ImageStoreBatches { get; init; }

        // One phase of --image-store, in a child process (internal).
        [CommandOption("--image-store-phase <PHASE>", IsHidden = true)]
        public string? ImageStorePhase { get; init; }

        [CommandOption("--image-store-dir <DIR>", IsHidden = true)]
        public string? ImageStoreDir { get; init; }

        [CommandOption("--image-store-epoch <YES>", IsHidden = true)]
        public string? ImageStoreEpoch { get; init; }

        [CommandOption("--image-store-pipeline <YES>", IsHidden = true)]
        public string? ImageStorePipeline { get; init; }

        public override ValidationResult Validate() =>
            Arch?.FirstOrDefault(a => !Pneumo.Models.ModelRegistry.Contains(a)) is string bad
                ? ValidationResult.Error($"--arch: unknown architecture '{bad}' (known: {string.Join(", ", Pneumo.Models.ModelRegistry.Names)})")
                : base.Validate();
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var model = ModelLocator.Resolve(settings.Model);
        var options = new BenchOptions
        {
            DataRoot = root, Threads = settings.Threads, PredictModel = model,
            Architectures = settings.Arch is { Length: > 0 } a ? a : BenchOptions.DefaultArchitectures,
            PredictProcess = PredictProcess,
        };
        if (settings.Quick) options = options.AsQuick();
        if (settings.ImageStoreBatches is int batches) options = options with { StoreEpochBatches = batches };
        if (settings.ImageStorePhase is string phase)
        {
            var result = ImageStoreBench.RunPhase(options, phase, settings.ImageStoreDir ?? throw new UserError("--image-store-dir is required"),
                                                  settings.ImageStoreEpoch == "yes", settings.ImageStorePipeline == "yes", Line, cancellation);
            Pneumo.Persistence.Json.Write(settings.Out, result);
            return Task.FromResult(ExitCodes.Success);
        }
        if (settings.ImageStore)
        {
            var dir = settings.Out == "results/bench" ? "results/bench/image-store" : settings.Out;
            Line($"data: {root}; {(options.Quick ? "quick " : "")}image-store benchmark, results in {dir}");
            var store = ImageStoreBench.Run(options, CommandLine(), PhaseProcess, Line, cancellation);
            Directory.CreateDirectory(dir);
            Pneumo.Persistence.Json.Write(Path.Combine(dir, Pneumo.Bench.Bench.JsonFile), store);
            Pneumo.Persistence.AtomicFile.WriteAllText(Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile), ImageStoreBench.Markdown(store));
            Line($"wrote {Path.Combine(dir, Pneumo.Bench.Bench.JsonFile)} and {Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile)} ({store.Seconds:F0} s)");
            return Task.FromResult(ExitCodes.Success);
        }
        Line($"data: {root}; {(options.Quick ? "quick" : "full")} benchmark, results in {settings.Out}");
        var report = Pneumo.Bench.Bench.Run(options, CommandLine(), Line, cancellation);
        BenchFiles.Write(report, settings.Out);
        Line($"wrote {Path.Combine(settings.Out, Pneumo.Bench.Bench.JsonFile)} and {Path.Combine(settings.Out, Pneumo.Bench.Bench.ReadmeFile)} ({report.Seconds:F0} s)");
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>This same program with <paramref name="args"/>, in a new process.</summary>
    private static ProcessStartInfo PhaseProcess(IReadOnlyList<string> args)
    {
        var self = typeof(BenchCommand).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(self);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary><c>pneumo predict --model M IMAGE</c> in a new process of this same program.</summary>
    private static ProcessStartInfo PredictProcess(string model, string image)
    {
        var self = typeof(BenchCommand).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(self);
        foreach (var arg in new[] { "predict", "--model", model, image }) start.ArgumentList.Add(arg);
        return start;
    }
}
