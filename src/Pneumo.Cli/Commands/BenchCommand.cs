using System.ComponentModel;
using System.Diagnostics;
using Pneumo.Bench;
using Pneumo.Bench.Peer;
using Pneumo.Bench.Soak;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Workflows;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo bench</c>: speed and memory of training, inference and diagnosis on this machine.</summary>
public sealed class BenchCommand(Terminal terminal) : PneumoCommand<BenchCommand.Settings>(terminal)
{
    public sealed class Settings : ModelThreadsSettings
    {
        [CommandOption("--out <DIR>"), Description("Where bench.json (soak.json with --soak) and README.md go (default: results/bench; with --soak results/soak)."), HelpDefault("results/bench")]
        public string? Out { get; init; }

        [CommandOption("--quick"), Description("Small sizes everywhere: about two minutes on 2 cores (the memory measurement uses 320 images per epoch, not the whole training set).")]
        public bool Quick { get; init; }

        [CommandOption("--arch <NAME>"), Description("Architecture to measure; repeat for several (default: szanet, resnet18-frozen, resnet18-finetune, resnet18-full)."), HelpDefault("all four")]
        public string[]? Arch { get; init; }

        [CommandOption("--peer <NAME>"), Description("Also run the same bound training steps and inference in a peer framework, alternating with Pneumo's in the same run, and report them side by side with the ratios: pytorch (Debian's python3-torch; skipped with one line where it is not installed).")]
        public string? Peer { get; init; }

        [CommandOption("--peer-python <PATH>"), Description("With --peer: the Python interpreter whose PyTorch runs."), HelpDefault(PytorchPeer.DefaultPython)]
        public string? PeerPython { get; init; }

        [CommandOption("--profile"), Description("Profile the bound training step instead: per phase (forward, loss, backward, optimizer, weight average) and per layer, forward and backward, in fp32 and (where the CPU has AVX-512 BF16) bf16, for each --arch (default: resnet18-full); results in results/bench/profile unless --out is given.")]
        public bool Profile { get; init; }

        [CommandOption("--image-store"), Description("Measure the decoded-image store instead: decode-or-load time and memory on the training set and on a 10x set of hard links, first run against second run (results in results/bench/image-store unless --out is given).")]
        public bool ImageStore { get; init; }

        [CommandOption("--image-store-batches <N>"), Description("Batches of the image-store bench's training epoch, drawn at random from the whole set, cycling through it again when it has fewer (0 = a full epoch). Default 40, 8 with --quick."), HelpDefault("40 (quick 8)")]
        public int? ImageStoreBatches { get; init; }

        [CommandOption("--image-store-repeats <N>"), Description("Further short epochs per set of the image-store bench (40 batches, 8 with --quick), each in a new process, for the spread of an epoch's peak memory. Default 3, 1 with --quick."), HelpDefault("3 (quick 1)")]
        public int? ImageStoreRepeats { get; init; }

        // One phase of --image-store, in a child process (internal).
        [CommandOption("--image-store-phase <PHASE>", IsHidden = true)]
        public string? ImageStorePhase { get; init; }

        [CommandOption("--image-store-dir <DIR>", IsHidden = true)]
        public string? ImageStoreDir { get; init; }

        [CommandOption("--image-store-epoch <YES>", IsHidden = true)]
        public string? ImageStoreEpoch { get; init; }

        [CommandOption("--image-store-pipeline <YES>", IsHidden = true)]
        public string? ImageStorePipeline { get; init; }

        [CommandOption("--int8"), Description("Compare the model's float ONNX graph with its int8 one (export --quantize int8) instead: latency at batch 1, throughput at batch 32 (alternating rounds) and validation AUC (results in results/bench/int8 unless --out is given).")]
        public bool Int8 { get; init; }

        [CommandOption("--calibration <N>"), Description("With --int8: validation images to calibrate on, as export --calibration."), HelpDefault("256")]
        public int? Calibration { get; init; }

        [CommandOption("--soak"), Description("Soak the web service instead: --requests at --concurrency, reporting status counts, p50/p99 latency, requests/s and the server's RSS every 500 requests. Starts one server per --engine (default: torch, then onnx, side by side in alternating blocks), or soaks --url.")]
        public bool Soak { get; init; }

        [CommandOption("--engine <ENGINE>"), Description("With --soak: start `pneumo serve --engine ENGINE` (onnx or torch) and soak it; repeat to compare (the first is the baseline).")]
        public string[]? Engine { get; init; }

        [CommandOption("--serve <NAME=OPTIONS>"), Description("With --soak: start `pneumo serve OPTIONS` as the target NAME (e.g. --serve 'off=--max-batch 1' --serve 'on=--max-batch 8'); repeat to compare (the first is the baseline).")]
        public string[]? Serve { get; init; }

        [CommandOption("--url <URL>"), Description("With --soak: a running service to soak instead (e.g. http://127.0.0.1:5080).")]
        public string? Url { get; init; }

        [CommandOption("--pid <PID>"), Description("With --url: the server's process id, for its RSS (/proc/PID/status).")]
        public int? Pid { get; init; }

        [CommandOption("--requests <N>"), Description("With --soak: measured requests per target."), DefaultValue(10_000)]
        public int Requests { get; init; } = 10_000;

        [CommandOption("--baseline-requests <N>"), Description("With --soak: measured requests for the first target (the baseline), when fewer will do (default: --requests)."), HelpDefault("--requests")]
        public int? BaselineRequests { get; init; }

        [CommandOption("--block-size <N>"), Description("With --soak: requests per report line; the targets alternate block by block."), DefaultValue(500)]
        public int BlockSize { get; init; } = 500;

        [CommandOption("--concurrency <C>"), Description("With --soak: requests in flight at once."), DefaultValue(8)]
        public int Concurrency { get; init; } = 8;

        [CommandOption("--explain-fraction <F>"), Description("With --soak: share of requests asking for Grad-CAM (1 = all: what the page and a plain API call send)."), DefaultValue(1.0)]
        public double ExplainFraction { get; init; } = 1.0;

        [CommandOption(CommonOptions.Seed), Description("Seed of the benchmark's random choices (with --soak: the order of the images)."), DefaultValue(CommonOptions.DefaultSeed)]
        public int Seed { get; init; } = CommonOptions.DefaultSeed;

        public override ValidationResult Validate()
        {
            if (Arch?.FirstOrDefault(a => !Pneumo.Models.ModelRegistry.Contains(a)) is string bad)
                return ValidationResult.Error($"--arch: unknown architecture '{bad}' (known: {string.Join(", ", Pneumo.Models.ModelRegistry.Names)})");
            if (!Soak && (Engine is { Length: > 0 } || Serve is { Length: > 0 } || Url is not null || Pid is not null || BaselineRequests is not null))
                return ValidationResult.Error("--engine, --serve, --url, --pid and --baseline-requests go with --soak");
            if (Soak && new[] { Url is not null, Engine is { Length: > 0 }, Serve is { Length: > 0 } }.Count(given => given) > 1)
                return ValidationResult.Error("--soak: give one of --url (a running service), --engine or --serve (servers to start)");
            if (Serve?.FirstOrDefault(v => ServeTarget(v) is null) is string badServe)
                return ValidationResult.Error($"--serve: '{badServe}' is not NAME=OPTIONS (e.g. 'on=--max-batch 8')");
            if (Url is not null && (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                return ValidationResult.Error($"--url: '{Url}' is not an http:// URL");
            if (Engine?.FirstOrDefault(e => InferenceEngines.Parse(e) is null) is string badEngine)
                return ValidationResult.Error($"--engine: '{badEngine}' is not {InferenceEngines.Names}");
            if (Peer is not null and not PytorchPeer.Name) return ValidationResult.Error($"--peer: '{Peer}' is not a known peer (known: {PytorchPeer.Name})");
            if (Profile && (Soak || ImageStore || Peer is not null)) return ValidationResult.Error("--profile goes alone, not with --soak, --image-store or --peer");
            if ((Soak || ImageStore) && Peer is not null) return ValidationResult.Error("--peer goes with the main benchmark, not --soak or --image-store");
            if (PeerPython is not null && Peer is null) return ValidationResult.Error("--peer-python goes with --peer");
            if (ImageStoreBatches is < 0) return ValidationResult.Error("--image-store-batches must be 0 (a full epoch) or more");
            if (ImageStoreRepeats is < 0) return ValidationResult.Error("--image-store-repeats must be 0 or more");
            if (Calibration is not null && !Int8) return ValidationResult.Error("--calibration goes with --int8");
            if (Calibration is < 1) return ValidationResult.Error("--calibration must be at least 1");
            if (Requests < 1 || BaselineRequests is < 1) return ValidationResult.Error("--requests must be at least 1");
            if (Concurrency < 1) return ValidationResult.Error("--concurrency must be at least 1");
            if (BlockSize < 1) return ValidationResult.Error("--block-size must be at least 1");
            if (ExplainFraction is < 0 or > 1 || double.IsNaN(ExplainFraction)) return ValidationResult.Error("--explain-fraction must be between 0 and 1");
            return base.Validate();
        }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        if (settings.Soak) return await SoakAsync(settings, cancellation);
        if (settings.Int8) return Int8(settings, cancellation);
        var root = DataRoot.Resolve(settings.Data);
        var model = ModelLocator.Resolve(settings.Model);
        var options = new BenchOptions
        {
            DataRoot = root, Threads = settings.Threads, PredictModel = model, Seed = settings.Seed,
            Architectures = settings.Arch is { Length: > 0 } a ? a : BenchOptions.DefaultArchitectures,
            PredictProcess = PredictProcess, Peer = settings.Peer, PeerPython = settings.PeerPython ?? PytorchPeer.DefaultPython,
        };
        if (settings.Quick) options = options.AsQuick();
        if (settings.ImageStoreBatches is int batches) options = options with { StoreEpochBatches = batches };
        if (settings.ImageStoreRepeats is int repeats) options = options with { StoreEpochRepeats = repeats };
        if (settings.ImageStorePhase is string phase)
        {
            var result = ImageStoreBench.RunPhase(options, phase, settings.ImageStoreDir ?? throw new UserError("--image-store-dir is required"),
                                                  settings.ImageStoreEpoch == "yes", settings.ImageStorePipeline == "yes", Line, cancellation);
            Pneumo.Persistence.Json.Write(settings.Out ?? throw new UserError("--out is required"), result);
            return ExitCodes.Success;
        }
        if (settings.ImageStore)
        {
            var dir = settings.Out ?? "results/bench/image-store";
            Line($"data: {root}; {(options.Quick ? "quick " : "")}image-store benchmark, results in {dir}");
            var store = ImageStoreBench.Run(options, CommandLine(), PhaseProcess, Line, cancellation);
            Directory.CreateDirectory(dir);
            Pneumo.Persistence.Json.Write(Path.Combine(dir, Pneumo.Bench.Bench.JsonFile), store);
            Pneumo.Persistence.AtomicFile.WriteAllText(Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile), ImageStoreBench.Markdown(store));
            Line($"wrote {Path.Combine(dir, Pneumo.Bench.Bench.JsonFile)} and {Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile)} ({store.Seconds:F0} s)");
            return ExitCodes.Success;
        }
        if (settings.Profile)
        {
            if (settings.Arch is not { Length: > 0 }) options = options with { Architectures = [Pneumo.Models.ResNet.ResNetTransfer.FullName] };
            var dir = settings.Out ?? Pneumo.Bench.Profile.StepProfile.Directory;
            Line($"data: {root}; profile of the bound training step of {string.Join(", ", options.Architectures)}, results in {dir}");
            var profile = Pneumo.Bench.Profile.StepProfile.Run(options, CommandLine(), Line, cancellation);
            Pneumo.Bench.Profile.ProfileFiles.Write(profile, dir);
            Line($"wrote {Path.Combine(dir, Pneumo.Bench.Profile.ProfileFiles.JsonFile)} and {Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile)} ({profile.Seconds:F0} s)");
            return ExitCodes.Success;
        }
        var output = settings.Out ?? "results/bench";
        Line($"data: {root}; {(options.Quick ? "quick" : "full")} benchmark, results in {output}");
        var report = Pneumo.Bench.Bench.Run(options, CommandLine(), Line, cancellation);
        BenchFiles.Write(report, output);
        Line($"wrote {Path.Combine(output, Pneumo.Bench.Bench.JsonFile)} and {Path.Combine(output, Pneumo.Bench.Bench.ReadmeFile)} ({report.Seconds:F0} s)");
        return ExitCodes.Success;
    }

    /// <summary><c>pneumo bench --int8</c>: the model's float and int8 ONNX graphs side by side (<see cref="Int8Bench"/>).</summary>
    private int Int8(Settings settings, CancellationToken cancellation)
    {
        var dir = settings.Out ?? "results/bench/int8";
        var report = Int8Bench.Run(ModelLocator.Resolve(settings.Model), DataRoot.Resolve(settings.Data), settings.Calibration ?? Int8Export.DefaultCalibrationImages,
                                   settings.Seed, rounds: settings.Quick ? 3 : 9, settings.Threads, CommandLine(), Line, cancellation);
        Int8Files.Write(report, dir);
        var (a, s) = (report.Accuracy, report.Speed);
        Line($"validation AUC float {a.FloatAuc:F5}, int8 {a.Int8Auc:F5} (change {a.AucChange:+0.00000;-0.00000;0}: condition {(report.AucConditionMet ? "met" : "not met")}); " +
             $"batch 1 {s.FloatBatch1Ms:F1} -> {s.Int8Batch1Ms:F1} ms, batch 32 {s.FloatBatch32ImagesPerSecond:F1} -> {s.Int8Batch32ImagesPerSecond:F1} img/s");
        Line($"wrote {Path.Combine(dir, Int8Bench.JsonFile)} and {Path.Combine(dir, Pneumo.Bench.Bench.ReadmeFile)} ({report.Seconds:F0} s)");
        return ExitCodes.Success;
    }

    /// <summary>This same program with <paramref name="args"/>, in a new process.</summary>
    private static ProcessStartInfo PhaseProcess(IReadOnlyList<string> args) => Self([.. args]);

    /// <summary><c>pneumo bench --soak</c>: the web service under load (<see cref="SoakRun"/>).</summary>
    private async Task<int> SoakAsync(Settings settings, CancellationToken cancellation)
    {
        var test = Path.Combine(DataRoot.Resolve(settings.Data), "test");
        var images = new[] { "NORMAL", "PNEUMONIA" }.Select(c => Path.Combine(test, c)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Where(f => f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0) throw new UserError($"{test}: no NORMAL or PNEUMONIA images to send");
        List<SoakTarget> targets;
        if (settings.Url is not null)
            targets = [new SoakTarget("service", new Uri(settings.Url.TrimEnd('/') + "/"), settings.Pid, Requests: settings.BaselineRequests)];
        else if (settings.Serve is { Length: > 0 } serve)
        {
            var model = ModelLocator.Resolve(settings.Model);
            targets = serve.Select(v => ServeTarget(v)!.Value)
                .Select((t, i) => new SoakTarget(t.Name, Start: Self(["serve", .. t.Options, "--model", model, "--urls", "http://127.0.0.1:0", "--quiet"]),
                                                 Requests: i == 0 ? settings.BaselineRequests : null)).ToList();
        }
        else
        {
            var model = ModelLocator.Resolve(settings.Model);
            var engines = settings.Engine is { Length: > 0 } e ? e.Select(n => InferenceEngines.Parse(n)!.Value.Name()).ToArray()
                                                               : [InferenceEngines.TorchName, InferenceEngines.OnnxName];
            targets = engines.Select((engine, i) => new SoakTarget(engine, Start: ServeProcess(engine, model),
                                                                   Requests: i == 0 ? settings.BaselineRequests : null)).ToList();
        }
        var options = new SoakOptions
        {
            Targets = targets, Images = images, Requests = settings.Requests, Concurrency = settings.Concurrency,
            ExplainFraction = settings.ExplainFraction, Seed = settings.Seed, BlockSize = settings.BlockSize,
        };
        var output = settings.Out ?? "results/soak";
        Line($"soak: {string.Join(", ", targets.Select(t => t.Name))}; {settings.Requests} requests at concurrency {settings.Concurrency}, {images.Count} images from {test}; results in {output}");
        var report = await SoakRun.RunAsync(options, CommandLine(), Line, cancellation);
        SoakFiles.Write(report, output);
        foreach (var t in report.Targets)
            Line($"{t.Name}: {t.Requests} requests, {t.RequestsPerSecond:F2} req/s, p50 {t.P50Ms:F0} ms, p99 {t.P99Ms:F0} ms, 5xx {t.ServerErrors}, RSS {t.RssFirstMb} -> {t.RssLastMb} MB");
        foreach (var c in report.Comparisons) Line($"{c.Target} vs {c.Baseline}: {c.Speedup:F2}x requests/s, p99 {c.P99Ratio:F2}x (alternating blocks: {c.InterleavedSpeedup:F2}x, p99 {c.InterleavedP99Ratio:F2}x), max |dp| {c.MaxProbabilityDifference?.ToString("E1", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}");
        Line($"wrote {Path.Combine(output, SoakRun.JsonFile)} and {Path.Combine(output, SoakRun.ReadmeFile)} ({report.Seconds:F0} s)");
        return ExitCodes.Success;
    }

    /// <summary><c>pneumo serve --engine E --model M</c> on a free loopback port, in a new process of this same program.</summary>
    private static ProcessStartInfo ServeProcess(string engine, string model) =>
        Self("serve", "--engine", engine, "--model", model, "--urls", "http://127.0.0.1:0", "--quiet");

    /// <summary>A <c>--serve NAME=OPTIONS</c> value: the target's name and <c>pneumo serve</c>'s options; null when malformed.</summary>
    private static (string Name, string[] Options)? ServeTarget(string value)
    {
        int split = value.IndexOf('=');
        if (split < 1) return null;
        var options = value[(split + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (value[..split].Trim(), options);
    }

    /// <summary><c>pneumo predict --model M IMAGE</c> in a new process of this same program.</summary>
    private static ProcessStartInfo PredictProcess(string model, string image, string engine) => Self("predict", "--model", model, "--engine", engine, image);

    /// <summary>This program with <paramref name="args"/>, output redirected.</summary>
    private static ProcessStartInfo Self(params string[] args)
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
}
