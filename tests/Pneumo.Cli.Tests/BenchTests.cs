using System.Diagnostics;
using System.Text.Json;
using Pneumo.Bench;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Models.ResNet;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo bench</c>: the shape of bench.json (not its numbers, which belong to the machine), and bad options.</summary>
public sealed class BenchTests
{
    [SlowFact]
    public void BenchWritesEveryMeasurementInTheDocumentedShape()
    {
        var data = TestData.RequireDataset();
        using var dir = new TempDir();
        var model = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        var options = new BenchOptions
        {
            DataRoot = data, Architectures = ["szanet"], TrainingBatches = 1, WarmupBatches = 1, BatchSize = 4, InferenceRepeats = 1,
            MemoryImages = 8, MemoryEpochs = 2, PredictRuns = 3, PredictModel = model, Threads = 2, Rounds = 2, Peer = Pneumo.Bench.Peer.PytorchPeer.Name,
            PredictProcess = (m, image, engine) =>
            {
                var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "pneumo.dll"), "predict", "--model", m, "--engine", engine, image }) info.ArgumentList.Add(a);
                return info;
            },
        };
        var lines = new List<string>();
        var report = Bench.Bench.Run(options, "pneumo bench (test)", lines.Add);
        BenchFiles.Write(report, dir.Path);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, Bench.Bench.JsonFile)));
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("format_version").GetInt32());
        Assert.Equal("pneumo bench (test)", root.GetProperty("provenance").GetProperty("command").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("provenance").GetProperty("commit").GetString()));
        var machine = root.GetProperty("machine");
        foreach (var key in new[] { "cores", "clock_ghz", "fp32_lanes", "fma_units", "fp32_peak_gflops", "measured_fma_gflops" })
            Assert.Equal(JsonValueKind.Number, machine.GetProperty(key).ValueKind);
        Assert.Contains("x", machine.GetProperty("peak_derivation").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("open_mp_spin_count").GetString()));
        Positive(root.GetProperty("data"), "decode_images_per_second", "augment_images_per_second");

        var training = root.GetProperty("training").EnumerateArray().ToList();
        Assert.Contains(training, t => t.GetProperty("arch").GetString() == "szanet" && t.GetProperty("precision").GetString() == "fp32"
                                       && t.GetProperty("variant").GetString() == Bench.Bench.DefaultVariant);
        Assert.Contains(training, t => t.GetProperty("variant").GetString() == Bench.Bench.PaperLayout);
        foreach (var t in training)
        {
            Positive(t, "pipeline_images_per_second", "bound_images_per_second", "ratio");
            if (t.GetProperty("arch").GetString() == "szanet") Positive(t, "gflop_per_image", "achieved_gflops", "fraction_of_fma_loop");
        }
        var inference = root.GetProperty("inference").EnumerateArray()
                            .Select(i => (Engine: i.GetProperty("engine").GetString(), Batch: i.GetProperty("batch_size").GetInt32(), Rate: i.GetProperty("images_per_second").GetDouble()))
                            .ToList();
        foreach (var engine in new[] { "torchsharp", "onnxruntime" })
        foreach (var batch in new[] { 1, 32 })
            Assert.Contains(inference, i => i.Engine == engine && i.Batch == batch && i.Rate > 0);

        // predict with both float engines (szanet has no int8 calibration), each with its targets marked.
        var predicts = root.GetProperty("predict").EnumerateArray().ToList();
        Assert.Equal(["torch", "onnx"], predicts.Select(p => p.GetProperty("engine").GetString()));
        foreach (var predict in predicts)
        {
            Positive(predict, "first_start_seconds", "cold_start_seconds", "warm_p50_ms", "warm_p99_ms");
            Assert.True(predict.GetProperty("warm_p50_ms").GetDouble() <= predict.GetProperty("warm_p99_ms").GetDouble());
            Assert.Equal(predict.GetProperty("warm_p50_ms").GetDouble() <= 40, predict.GetProperty("warm_target_met").GetBoolean());
        }
        var memory = root.GetProperty("memory");
        Positive(memory, "peak_rss_mb");
        Assert.Equal(2, memory.GetProperty("rss_after_epoch_mb").GetArrayLength());
        Assert.Equal(2, memory.GetProperty("managed_heap_after_epoch_mb").GetArrayLength());
        Assert.Equal(2, memory.GetProperty("native_heap_after_epoch_mb").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, memory.GetProperty("native_heap_after_epoch_mb")[0].ValueKind);  // glibc here
        Assert.Equal(JsonValueKind.Number, memory.GetProperty("growth").ValueKind);

        // The PyTorch peer where python3-torch is installed (every measure of szanet beside PyTorch's), else one line saying so.
        var peer = root.GetProperty("peer");
        if (report.Peer!.Skipped is null)
        {
            var rows = peer.GetProperty("rows").EnumerateArray().ToList();
            Assert.Contains(rows, r => r.GetProperty("measure").GetString() == "training fp32");
            Assert.Contains(rows, r => r.GetProperty("measure").GetString() == "inference onnxruntime" && r.GetProperty("batch_size").GetInt32() == 1);
            foreach (var r in rows)
            {
                Positive(r, "pneumo_best", "peer_best", "ratio");
                Assert.Equal(2, r.GetProperty("round_ratios").GetArrayLength());
                Assert.Equal(2, r.GetProperty("peer").GetProperty("nchw").GetArrayLength());
            }
            var m = Assert.Single(report.Peer.Models);
            Assert.Equal(m.PneumoParameters, m.PeerParameters);
        }
        else Assert.Contains("peer pytorch: skipped (python3-torch not installed: apt-get install python3-torch)", lines);

        var readme = File.ReadAllText(Path.Combine(dir.Path, Bench.Bench.ReadmeFile));
        Assert.Contains("## Beside", readme);
        Assert.Contains(report.Provenance.Commit, readme);
        Assert.Contains("pneumo bench (test)", readme);
        Assert.Contains("pipeline/bound", readme);
        Assert.Contains(lines, l => l.StartsWith("train szanet fp32:", StringComparison.Ordinal));
    }

    /// <summary>
    /// The counted training cost against hand counts: SZANet (conv1 forward + weight gradient; conv2, conv3 and the
    /// dense layers forward + weight + input gradients, at 224x224); the packaged ResNet18 (its layer4 has three blocks:
    /// 2.05 G multiply-adds forward) trained whole (three passes but the stem's input gradient) or frozen (only the
    /// head trains: not counted, its front runs in ONNX Runtime).
    /// </summary>
    [Fact]
    public void TrainingFlopsAreCountedOnTheModelAsByHand()
    {
        double sza = 0;
        int side = 224;
        (int In, int Out)[] convs = [(3, 16), (16, 32), (32, 64)];
        for (int l = 0; l < convs.Length; l++)
        {
            int outSide = side - 2;
            sza += 2.0 * convs[l].Out * convs[l].In * 9 * outSide * outSide * (l == 0 ? 2 : 3);
            side = outSide / 2;
        }
        sza += 3 * (2.0 * 64 * side * side * 64 + 2.0 * 64);
        using (var model = ModelRegistry.Get(SzaNet.Name).Build(224)) Assert.Equal(sza / 1e9, TrainingFlops.Gflop(model, 224)!.Value, 6);

        // Multiply-adds: the 7x7 stem, then per stage a strided 3x3 and a 1x1 projection (not in layer1) and 3x3 convolutions.
        double stem = 64.0 * 3 * 49 * 112 * 112;
        static double Stage(int c, int s, int same, bool strided) =>
            (strided ? c * (c / 2.0) * (1 + 9) * s * s : c * (double)c * 9 * s * s) + same * (double)c * c * 9 * s * s;
        double backbone = stem + Stage(64, 56, 3, false) + Stage(128, 28, 3, true) + Stage(256, 14, 3, true) + Stage(512, 7, 5, true);
        double head = 512 * 128 + 128;
        using (var full = ModelRegistry.Get(ResNetTransfer.FullName).BuildForLoading(224))
            Assert.Equal(2 * (3 * (backbone + head) - stem) / 1e9, TrainingFlops.Gflop(full, 224)!.Value, 6);
        using (var frozen = ModelRegistry.Get(ResNetTransfer.FrozenName).Build(224))
            Assert.Null(TrainingFlops.Gflop(frozen, 224));
    }

    [Fact]
    public void PercentileInterpolatesBetweenOrderStatistics()
    {
        Assert.Equal(2.5, Bench.Bench.Percentile([4, 1, 3, 2], 0.5));
        Assert.Equal(4, Bench.Bench.Percentile([4, 1, 3, 2], 1.0));
        Assert.Equal(1, Bench.Bench.Percentile([4, 1, 3, 2], 0.0));
    }

    [Theory]
    [InlineData("--threads", "-1", "--threads")]
    [InlineData("--arch", "vgg16", "--arch")]
    [InlineData("--image-store-repeats", "-1", "--image-store-repeats")]
    [InlineData("--image-store-batches", "-2", "--image-store-batches")]
    [InlineData("--peer", "tensorflow", "--peer")]
    [InlineData("--peer-python", "/usr/bin/python3", "--peer-python")]
    public async Task BadOptionsAreOneLineErrorsNamingTheOption(string option, string value, string named)
    {
        var result = await InProcessCli.RunAsync("bench", "--quick", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains(named, result.Stderr);
    }

    [SkippableFact]
    public void TheImageStoreBenchLoadsASecondRunWithoutDecodingAndMeasuresAnEpoch()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var store = new TempDir();
        var options = new BenchOptions { DataRoot = data.Path, BatchSize = 4, StoreEpochBatches = 2, Threads = 2 };
        var lines = new List<string>();
        var memory = ImageStoreBench.RunPhase(options, ImageStoreBench.MemoryPhase, store.Path, epoch: false, pipeline: false, lines.Add, default);
        var first = ImageStoreBench.RunPhase(options, ImageStoreBench.FirstPhase, store.Path, epoch: false, pipeline: false, lines.Add, default);
        var second = ImageStoreBench.RunPhase(options, ImageStoreBench.SecondPhase, store.Path, epoch: true, pipeline: false, lines.Add, default);
        Assert.Equal((12, 12, 12), (memory.Decoded, first.Decoded, 12));
        Assert.Equal(0, second.Decoded);
        Assert.Equal(12, second.Images);
        Assert.Empty(memory.StoreFiles);
        Assert.Equal(first.StoreFiles, second.StoreFiles);
        Assert.True(memory.ManagedImageMb > 0);
        Assert.Equal(0, second.ManagedImageMb);
        Assert.Equal(8, second.Epoch!.Images);
        Assert.True(second.Epoch.PeakRssAnonMb > 0 && second.Epoch.PeakRssFileMb > 0 && second.Epoch.ImagesPerSecond > 0);
        Assert.Equal(2, second.Epoch.Batches);
        Assert.True(second.Epoch.StartRssAnonMb > 0 && second.Epoch.ManagedHeapMb > 0);
        var curve = second.Epoch.PeakRssAnonByTenthMb;
        Assert.Equal(10, curve.Count);
        Assert.True(curve.Zip(curve.Skip(1)).All(p => p.First <= p.Second) && curve[0] >= second.Epoch.StartRssAnonMb && curve[^1] <= second.Epoch.PeakRssAnonMb);
        if (Machine.NativeHeap() is not null)
        {
            // The peak's parts: the managed heap and libtorch's native heap were both in use when it was reached.
            var parts = second.Epoch.AtPeak!;
            Assert.True(parts.ManagedCommittedMb > 0 && parts.NativeInUseMb > 0 && parts.NativeArenaMb >= parts.NativeInUseMb);
            // And at the start: the model's weights are already in the native heap, the list of images in the managed one.
            var start = second.Epoch.AtStart!;
            Assert.True(start.ManagedCommittedMb > 0 && start.NativeInUseMb > 0 && start.NativeArenaMb >= start.NativeInUseMb);
            // Listing the set: read before and after, and the list is in the managed heap after it.
            Assert.True(second.BeforeListing!.NativeInUseMb > 0 && second.AfterListing!.ManagedCommittedMb > 0);
        }
        var report = new ImageStoreReport
        {
            Provenance = Pneumo.Persistence.Provenance.Capture("pneumo bench --image-store (test)"), Quick = true, Seed = 42, EpochBatches = 2, BatchSize = 4,
            Phases = [memory with { Scale = "1x" }, first with { Scale = "1x" }, second with { Scale = "1x", Training = Throughput(0.968) },
                      second with { Scale = "1x", Repeat = 1, Epoch = second.Epoch with { PeakRssAnonMb = 1000 }, Training = Throughput(0.95) },
                      second with { Scale = "10x", Images = 120, Repeat = 1, Epoch = second.Epoch with { StartRssAnonMb = second.Epoch.StartRssAnonMb + 1 } },
                      second with { Scale = "1x", Repeat = 2, Epoch = second.Epoch with { PeakRssAnonMb = 1300 } },
                      second with { Scale = "1x", Repeat = 3, Epoch = second.Epoch with { PeakRssAnonMb = 1100 } }],
            StoreBytes = 1, Seconds = 1,
        };
        var readme = ImageStoreBench.Markdown(report);
        Assert.Contains("faster than decoding", readme);
        Assert.Single(readme.Split('\n'), l => l.StartsWith("| 1x | store-second | 12 | 0 |"));
        Assert.Contains("| 1000, 1300, 1100 | 1100 | 1000 | 1300 |", readme);
        // What the list of images costs: 1 MB more at the start of 10x's epochs, for 108 more images.
        Assert.Contains("**9709 bytes an image**", readme);
        Assert.Contains("| 2 | 0.968, 0.950 | 0.959 | 0.950 | 0.968 |", readme);
        if (second.Epoch.AtPeak is { } p) Assert.Contains($"| 1x | store-second | 2 | 1300 | {p.ManagedCommittedMb:F0} |", readme);
        // The parts at the start, medians over the set's runs (all three 1x runs share one reading here).
        if (second.Epoch.AtStart is { } s)
            Assert.Contains(FormattableString.Invariant($"| {s.ManagedCommittedMb:F1} | {s.NativeArenaMb:F1} | {s.NativeInUseMb:F1} | 1000, 1300, 1100 |"), readme);
        // Listing: the 1x store runs (the phase and three repeats) share one reading, given as their median.
        if (second is { BeforeListing: { } b, AfterListing: { } l })
            Assert.Contains(FormattableString.Invariant($"| 1x | 4 | {b.ManagedCommittedMb:F1} | {l.ManagedCommittedMb:F1} | {b.NativeInUseMb:F1} | {l.NativeInUseMb:F1} |"), readme);
    }

    private static TrainingThroughput Throughput(double ratio) =>
        new("szanet", "fp32", "default", 4, 8, 60 * ratio, 60, ratio, null, null, null, [ratio]);

    [Fact]
    public void AnImageStoreEpochLongerThanItsSetCyclesThroughTheSet()
    {
        var records = Enumerable.Range(0, 3).Select(i => new ImageRecord($"train/NORMAL/{i}.png", $"/d/train/NORMAL/{i}.png", ClassLabel.Normal, $"{i}", "normal")).ToList();
        Assert.Equal(records, ImageStoreBench.EpochImages(records, 0, 1));
        var seven = ImageStoreBench.EpochImages(records, 7, 1);
        Assert.Equal(7, seven.Count);
        Assert.All(records, r => Assert.InRange(seven.Count(s => ReferenceEquals(s, r)), 2, 3));
        Assert.Equal(seven, ImageStoreBench.EpochImages(records, 7, 1));
        Assert.Equal(2, ImageStoreBench.EpochImages(records, 2, 1).Distinct().Count());
    }

    [SkippableFact]
    public void TheNativeHeapReadingFollowsAnAllocation()
    {
        // The bench splits an RssAnon peak into managed and native parts: a wrong mallinfo2 layout would read garbage here.
        Skip.IfNot(OperatingSystem.IsLinux() && Machine.NativeHeap() is not null, "glibc's mallinfo2 is needed");
        var before = Machine.NativeHeap()!.Value;
        Assert.InRange(before.InUseMb, 0.01, before.ArenaMb);
        nint block = System.Runtime.InteropServices.Marshal.AllocHGlobal(8 << 20);  // malloc on Unix
        try
        {
            var during = Machine.NativeHeap()!.Value;
            Assert.InRange(during.InUseMb + during.MmappedMb - (before.InUseMb + before.MmappedMb), 7.9, 9);
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
        }
    }

    [Fact]
    public void EachImageStorePhaseProcessIsToldTheEpochSize()
    {
        // A phase runs in its own process: an epoch size or seed left off its command line would silently fall back to the default.
        var full = new BenchOptions { DataRoot = "data", StoreEpochBatches = 0, Seed = 7 };
        var args = ImageStoreBench.PhaseArguments(full, ImageStoreBench.SecondPhase, "x10", "store", "out.json", epoch: true, pipeline: false);
        Assert.Equal("0", args[args.IndexOf("--image-store-batches") + 1]);
        Assert.Equal("7", args[args.IndexOf("--seed") + 1]);
        var quick = ImageStoreBench.PhaseArguments(full.AsQuick(), ImageStoreBench.FirstPhase, "x1", "store", "out.json", epoch: false, pipeline: false);
        Assert.Contains("--quick", quick);
        Assert.Equal(full.AsQuick().StoreEpochBatches.ToString(), quick[quick.IndexOf("--image-store-batches") + 1]);
        var repeat = ImageStoreBench.PhaseArguments(full with { StoreRepeatBatches = 40 }, ImageStoreBench.SecondPhase, "x10", "store", "out.json", epoch: true, pipeline: false, repeat: 2);
        Assert.Equal("40", repeat[repeat.IndexOf("--image-store-batches") + 1]);
    }

    private static void Positive(JsonElement e, params string[] keys)
    {
        foreach (var key in keys)
        {
            var v = e.GetProperty(key);
            Assert.Equal(JsonValueKind.Number, v.ValueKind);
            Assert.True(v.GetDouble() > 0, $"{key} = {v.GetDouble()}");
        }
    }
}
