using System.Globalization;
using System.Text;
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
        L($"- Float32 peak: **{r.Machine.Fp32PeakGflops:F0} GFLOP/s** = {r.Machine.PeakDerivation}; a float32 FMA loop on every core measures {r.Machine.MeasuredFmaGflops:F0} GFLOP/s.");
        if (linkNotes) L($"- What was tried to make it fast, what was kept and what was reverted: [{NotesFile}]({NotesFile}).");
        s.AppendLine();
        L($"Data: {r.Data.Images} training images decoded at {r.Data.DecodeImagesPerSecond:F0} img/s (all cores); augmentation (shear, zoom, flip) {r.Data.AugmentImagesPerSecond:F0} img/s on one thread.");
        s.AppendLine();
        s.AppendLine("## Training throughput (images/s)");
        s.AppendLine();
        s.AppendLine($"Pipeline: the real loop (cached uint8 images, augmentation and preprocessing as `pneumo train` does them on this machine, batching, forward, backward, Adam, weight average); the loader builds each batch on every core between steps when the model's threads take all cores (variant `loader-in-background`: one thread beside the model instead). Bound: the same steps on one ready-made batch. Pipeline and bound: the best of {r.Training.Select(t => t.RoundRatios.Count).DefaultIfEmpty().Max()} alternating rounds each; pipeline/bound: the median of the rounds' ratios, each round's pipeline against the bound measured just before it.");
        s.AppendLine();
        s.AppendLine("| arch | precision | variant | batch | images | pipeline | bound | pipeline/bound | GFLOP/image | GFLOP/s | of peak |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in r.Training)
            L($"| {t.Arch} | {t.Precision} | {t.Variant} | {t.BatchSize} | {t.Images} | {t.PipelineImagesPerSecond:F1} | {t.BoundImagesPerSecond:F1} | {t.Ratio:F3} | {Opt(t.GflopPerImage, "F3")} | {Opt(t.AchievedGflops, "F0")} | {(t.FractionOfPeak is double f ? f.ToString("P0", CultureInfo.InvariantCulture) : "")} |");
        s.AppendLine();
        s.AppendLine("## Inference throughput (images/s, evaluation mode, no test-time augmentation)");
        s.AppendLine();
        s.AppendLine("| arch | engine | batch 1 | batch 32 |");
        s.AppendLine("|---|---|---|---|");
        foreach (var g in r.Inference.GroupBy(i => (i.Arch, i.Engine)))
            L($"| {g.Key.Arch} | {g.Key.Engine} | {Opt(g.FirstOrDefault(i => i.BatchSize == 1)?.ImagesPerSecond, "F1")} | {Opt(g.FirstOrDefault(i => i.BatchSize == 32)?.ImagesPerSecond, "F1")} |");
        s.AppendLine();
        if (r.Predict is { } p)
        {
            s.AppendLine("## `pneumo predict`, one image");
            s.AppendLine();
            L($"Model {p.Model}. Cold start (a new process, median of 3, OS file cache warm): **{(p.ColdStartSeconds is double c ? $"{c:F2} s" : "not measured")}**. Warm, in process, {p.WarmRuns} runs (read, decode, preprocess, predict with the model's test-time augmentation): p50 {p.WarmP50Ms:F1} ms, p99 {p.WarmP99Ms:F1} ms.");
            s.AppendLine();
        }
        var m = r.Memory;
        s.AppendLine("## Memory while training");
        s.AppendLine();
        L($"{m.Arch}, {m.ImagesPerEpoch} images per epoch, {m.Epochs} epochs: peak RSS {m.PeakRssMb:F0} MB; RSS after each epoch {string.Join(", ", m.RssAfterEpochMb.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} MB; growth from epoch 1 to {m.Epochs}: {m.Growth:P1}. After each epoch the managed heap held {Mb(m.ManagedHeapAfterEpochMb.Select(v => (double?)v))} MB and the native heap had {Mb(m.NativeHeapAfterEpochMb)} MB in use.");
        return s.ToString();
    }

    private static string Mb(IEnumerable<double?> values) => string.Join(", ", values.Select(v => v?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"));

    private static string Opt(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "";
}
