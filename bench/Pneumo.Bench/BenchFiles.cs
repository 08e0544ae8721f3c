using System.Globalization;
using System.Text;
using Pneumo.Bench.Peer;
using Pneumo.Persistence;

namespace Pneumo.Bench;

/// <summary>Writes a bench run as <c>bench.json</c> and a README with the machine, the commit, the command and the tables.</summary>
public static class BenchFiles
{
    /// <summary>Hand-written notes beside the results (what was tried, kept and reverted), linked from the README when present.</summary>
    public const string NotesFile = "OPTIMIZATIONS.md";

    public static void Write(BenchReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        Json.Write(Path.Combine(dir, Bench.JsonFile), report);
        AtomicFile.WriteAllText(Path.Combine(dir, Bench.ReadmeFile), Markdown(report, File.Exists(Path.Combine(dir, NotesFile))));
    }

    public static BenchReport Read(string path) => Json.Read<BenchReport>(path);

    public static string Markdown(BenchReport r, bool linkNotes)
    {
        var s = new StringBuilder();
        void L(FormattableString line) => s.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        L($"# Pneumo benchmark{(r.Quick ? " (quick)" : "")}");
        s.AppendLine();
        L($"- Command: `{r.Provenance.Command}`");
        L($"- Commit: `{r.Provenance.Commit}`, {r.Provenance.CreatedUtc}, {r.Seconds:F0} s");
        L($"- Machine: {r.Machine.Cpu}, {r.Machine.Cores} cores, {r.Machine.Simd}{(r.Machine.Bf16 ? " + BF16" : "")}; {r.Machine.Os}; {r.Machine.Runtime}; {r.Threads} threads{(r.OpenMpSpinCount is null ? "" : $"; libgomp spin count {r.OpenMpSpinCount}")}");
        L($"- Float32 peak: a float32 FMA loop on every core measures **{r.Machine.MeasuredFmaGflops:F0} GFLOP/s**, what this machine can be shown to do (the \"of FMA loop\" column is against it); derived from the CPU's description, {r.Machine.Fp32PeakGflops:F0} GFLOP/s = {r.Machine.PeakDerivation} (information only: a nominal clock and an assumed number of FMA units).");
        if (linkNotes) L($"- What was tried to make it fast, what was kept and what was reverted: [{NotesFile}]({NotesFile}).");
        s.AppendLine();
        L($"Data: {r.Data.Images} training images decoded at {r.Data.DecodeImagesPerSecond:F0} img/s (all cores); augmentation (shear, zoom, flip) {r.Data.AugmentImagesPerSecond:F0} img/s on one thread.");
        s.AppendLine();
        s.AppendLine("## Training throughput (images/s)");
        s.AppendLine();
        s.AppendLine($"Pipeline: the real loop (cached uint8 images, augmentation and preprocessing as `pneumo train` does them on this machine, batching, forward, backward, the optimiser of the architecture's committed model (Adam; AdamW for resnet18-full), weight average); the loader builds each batch on every core between steps when the model's threads take all cores (variant `loader-in-background`: one thread beside the model instead). Bound: the same steps on one ready-made batch. Pipeline and bound: the best of {r.Training.Select(t => t.RoundRatios.Count).DefaultIfEmpty().Max()} alternating rounds each; pipeline/bound: the median of the rounds' ratios, each round's pipeline against the bound measured just before it. GFLOP/image: the convolutions' and dense layers' multiply-adds x2, forward and the gradients that flow (counted on the model; none where a frozen front runs in ONNX Runtime); GFLOP/s at the pipeline's rate. The bf16 rows are against the float32 FMA loop too: bfloat16 dot-product instructions (AVX-512 BF16) do twice the multiply-adds of a float32 FMA, so their ceiling is about 200% of it.");
        s.AppendLine();
        s.AppendLine("| arch | precision | variant | batch | images | pipeline | bound | pipeline/bound | GFLOP/image | GFLOP/s | of FMA loop |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in r.Training)
            L($"| {t.Arch} | {t.Precision} | {t.Variant} | {t.BatchSize} | {t.Images} | {t.PipelineImagesPerSecond:F1} | {t.BoundImagesPerSecond:F1} | {t.Ratio:F3} | {Opt(t.GflopPerImage, "F3")} | {Opt(t.AchievedGflops, "F0")} | {(t.FractionOfFmaLoop is double f ? f.ToString("P0", CultureInfo.InvariantCulture) : "")} |");
        s.AppendLine();
        s.AppendLine("## Inference throughput (images/s, evaluation mode, no test-time augmentation)");
        s.AppendLine();
        s.AppendLine("| arch | engine | batch 1 | batch 32 |");
        s.AppendLine("|---|---|---|---|");
        foreach (var g in r.Inference.GroupBy(i => (i.Arch, i.Engine)))
            L($"| {g.Key.Arch} | {g.Key.Engine} | {Opt(g.FirstOrDefault(i => i.BatchSize == 1)?.ImagesPerSecond, "F1")} | {Opt(g.FirstOrDefault(i => i.BatchSize == 32)?.ImagesPerSecond, "F1")} |");
        s.AppendLine();
        if (r.Peer is { } peer) s.Append(PeerMarkdown(peer));
        if (r.Predict is { Count: > 0 } predict)
        {
            s.AppendLine("## `pneumo predict`, one image");
            s.AppendLine();
            L($"Model {predict[0].Model}, with each engine (`--engine`). Cold start: a new process, median of 3 after a first one (which builds the int8 graph when its cache has none for this build; \"first start\"), OS file cache warm. Warm: in process, {predict[0].WarmRuns} runs (read, decode, preprocess, predict with the model's test-time augmentation), ONNX Runtime on every core as `predict` runs it. Targets (issue 34): cold ≤ {PredictLatency.ColdTargetSeconds} s, warm p50 ≤ {PredictLatency.WarmP50TargetMs} ms.");
            s.AppendLine();
            s.AppendLine("| engine | first start s | cold start s | warm p50 ms | warm p99 ms | cold target | warm target |");
            s.AppendLine("|---|---|---|---|---|---|---|");
            static string Met(bool? met) => met switch { true => "met", false => "not met", null => "not measured" };
            foreach (var p in predict)
                L($"| {p.Engine} | {(p.FirstStartSeconds is double f ? $"{f:F2}" : "—")} | {(p.ColdStartSeconds is double c ? $"{c:F2}" : "—")} | {p.WarmP50Ms:F1} | {p.WarmP99Ms:F1} | {Met(p.ColdTargetMet)} | {Met(p.WarmTargetMet)} |");
            s.AppendLine();
        }
        var m = r.Memory;
        s.AppendLine("## Memory while training");
        s.AppendLine();
        L($"{m.Arch}, {m.ImagesPerEpoch} images per epoch, {m.Epochs} epochs: peak RSS {m.PeakRssMb:F0} MB; RSS after each epoch {string.Join(", ", m.RssAfterEpochMb.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} MB; growth from epoch 1 to {m.Epochs}: {m.Growth:P1}. After each epoch the managed heap held {Mb(m.ManagedHeapAfterEpochMb.Select(v => (double?)v))} MB and the native heap had {Mb(m.NativeHeapAfterEpochMb)} MB in use.");
        return s.ToString();
    }

    /// <summary>The side-by-side table of <c>--peer</c>, or the line saying why there is none.</summary>
    public static string PeerMarkdown(PeerReport peer)
    {
        var s = new StringBuilder();
        void L(FormattableString line) => s.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        string name = peer.Name == PytorchPeer.Name ? $"PyTorch {peer.Version}" : peer.Name;
        L($"## Beside {name}: the same steps, the same machine, the same run");
        s.AppendLine();
        if (peer.Rows.Count > 0)
        {
            int rounds = peer.Rows.Max(row => row.RoundRatios.Count);
            L($"{name} ({peer.Python}, {peer.Threads} threads; `{Path.GetFileName(peer.Script)}`) ran Pneumo's bound steps in a child process, alternating with Pneumo's, {rounds} rounds each, each round from a fresh model on both sides. Training: one ready batch, forward, class-weighted binary cross-entropy, backward, the architecture's optimiser (below), the weight average; bf16: Pneumo's bfloat16 convolutions against PyTorch's CPU autocast to bfloat16. Inference: evaluation mode, no test-time augmentation. Images/s, each side's best round (PyTorch: NCHW / channels-last, the better in bold); Pneumo / PyTorch: the median of the rounds' ratios, each round's Pneumo against that round's better PyTorch layout.");
            s.AppendLine();
            foreach (var m in peer.Models)
                L($"- {m.Arch}: {m.PneumoParameters:N0} trainable parameters in Pneumo, {m.PeerParameters:N0} in PyTorch{(m.PneumoParameters == m.PeerParameters ? "" : " (**not the same network**)")}; {m.Optimizer}.");
            s.AppendLine();
            s.AppendLine("| arch | measure | batch | Pneumo | PyTorch (NCHW / channels-last) | Pneumo / PyTorch | rounds: Pneumo / PyTorch |");
            s.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var row in peer.Rows)
            {
                var layouts = string.Join(" / ", row.Peer.Select(l => l.Key == row.PeerBestLayout ? $"**{l.Value.Max():F1}**" : l.Value.Max().ToString("F1", CultureInfo.InvariantCulture)));
                var perRound = string.Join("; ", row.Pneumo.Select((v, i) => FormattableString.Invariant($"{v:F1} / {row.Peer.Values.Max(l => l[i]):F1}")));
                L($"| {row.Arch} | {row.Measure} | {row.BatchSize} | {row.PneumoBest:F1} | {layouts} | **{row.Ratio:F2}x** | {perRound} |");
            }
            s.AppendLine();
        }
        if (peer.Skipped is not null)
        {
            L($"{(peer.Rows.Count > 0 ? "Then stopped" : "Skipped")}: {peer.Skipped}.");
            s.AppendLine();
        }
        return s.ToString();
    }

    private static string Mb(IEnumerable<double?> values) => string.Join(", ", values.Select(v => v?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"));

    private static string Opt(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "";
}
