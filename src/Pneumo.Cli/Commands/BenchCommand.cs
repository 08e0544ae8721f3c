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
        Line($"data: {root}; {(options.Quick ? "quick" : "full")} benchmark, results in {settings.Out}");
        var report = Pneumo.Bench.Bench.Run(options, CommandLine(), Line, cancellation);
        BenchFiles.Write(report, settings.Out);
        Line($"wrote {Path.Combine(settings.Out, Pneumo.Bench.Bench.JsonFile)} and {Path.Combine(settings.Out, Pneumo.Bench.Bench.ReadmeFile)} ({report.Seconds:F0} s)");
        return Task.FromResult(ExitCodes.Success);
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
