using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training;
using TorchSharp;

namespace Pneumo.Bench;

/// <summary>
/// <c>pneumo bench --image-store</c>: the decoded-image store against decoding into memory, on the training set (1x)
/// and on a 10x set of hard links under other names; each phase in a fresh process, so that its memory is its own.
/// </summary>
public static class ImageStoreBench
{
    public const string MemoryPhase = "memory", FirstPhase = "store-first", SecondPhase = "store-second";

    /// <summary>Runs every phase in a child process (<paramref name="phaseProcess"/>) and collects the results.</summary>
    public static ImageStoreReport Run(BenchOptions o, string command, Func<IReadOnlyList<string>, ProcessStartInfo> phaseProcess,
                                       Action<string> log, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var provenance = Provenance.Capture(command);
        var work = Path.Combine(Path.GetTempPath(), $"pneumo-bench-store-{Environment.ProcessId}");
        var store = Path.Combine(work, "store");
        var results = new List<ImageStorePhase>();
        try
        {
            var all = ChestXrayDataset.Load(o.DataRoot, "train");
            int baseImages = o.Quick ? 640 : all.Count;
            var one = BuildSet(o.DataRoot, all, Path.Combine(work, "x1"), 1, baseImages, o.Seed);
            var ten = BuildSet(o.DataRoot, all, Path.Combine(work, "x10"), 10, baseImages, o.Seed);
            log($"sets: 1x = {one.Images} images ({one.How}), 10x = {ten.Images} images ({ten.How}) under {work}");
            foreach (var (scale, set) in new[] { ("1x", one), ("10x", ten) })
            {
                foreach (var phase in new[] { MemoryPhase, FirstPhase, SecondPhase })
                {
                    cancel.ThrowIfCancellationRequested();
                    // The training epoch: in memory and on the second store run (the first one only decodes); pipeline/bound on 1x.
                    bool epoch = phase != FirstPhase && !(phase == MemoryPhase && scale == "10x");
                    bool pipeline = scale == "1x" && phase != FirstPhase;
                    var result = RunChild(phaseProcess, o, phase, scale, set.Root, store, epoch, pipeline, work, log);
                    results.Add(result);
                    log($"  {scale} {phase}: {result.Images} images, {result.Decoded} decoded, load {result.LoadSeconds:F2} s" +
                        $" (+ reading every image {result.ReadAllSeconds:F2} s); peak RssAnon {result.PeakRssAnonMb:F0} MB, RssFile {result.PeakRssFileMb:F0} MB" +
                        (result.Epoch is { } e ? $"; epoch of {e.Images} images at {e.ImagesPerSecond:F1} img/s, peak RssAnon {e.PeakRssAnonMb:F0} MB, RssFile {e.PeakRssFileMb:F0} MB" : "") +
                        (result.Training is { } t ? $"; pipeline {t.PipelineImagesPerSecond:F1} img/s, bound {t.BoundImagesPerSecond:F1}, ratio {t.Ratio:F3}" : ""));
                }
            }
            // The spread of an epoch's peak: short epochs from the store, alternating the sets so that drift of the machine falls on both.
            for (int r = 1; r <= o.StoreEpochRepeats; r++)
                foreach (var (scale, set) in new[] { ("1x", one), ("10x", ten) })
                {
                    cancel.ThrowIfCancellationRequested();
                    // On 1x the pipeline is measured again after the epoch: its ratio, too, is read against its own spread.
                    var result = RunChild(phaseProcess, o, SecondPhase, scale, set.Root, store, epoch: true, pipeline: scale == "1x", work, log, r) with { Repeat = r };
                    results.Add(result);
                    log($"  {scale} repeat {r}: epoch of {result.Epoch!.Batches} batches, RssAnon {result.Epoch.StartRssAnonMb:F0} MB at its start, peak {result.Epoch.PeakRssAnonMb:F0} MB" +
                        (result.Training is { } t ? $"; pipeline/bound {t.Ratio:F3}" : ""));
                }
            long storeBytes = Directory.Exists(store) ? new DirectoryInfo(store).EnumerateFiles().Sum(f => f.Length) : 0;
            return new ImageStoreReport
            {
                Provenance = provenance, Quick = o.Quick, Seed = o.Seed, EpochBatches = o.StoreEpochBatches, BatchSize = o.BatchSize,
                Phases = results, StoreBytes = storeBytes, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The command line of one phase's process: every option that shapes the measurement goes with it (the epoch's size included).</summary>
    internal static List<string> PhaseArguments(BenchOptions o, string phase, string root, string store, string output, bool epoch, bool pipeline,
                                                int repeat = 0)
    {
        var args = new List<string> { "bench", "--image-store-phase", phase, "--data", root, "--image-store-dir", store, "--out", output,
                                      "--image-store-epoch", epoch ? "yes" : "no", "--image-store-pipeline", pipeline ? "yes" : "no" };
        if (o.Quick) args.Add("--quick");
        args.Add("--image-store-batches");
        args.Add((repeat > 0 ? o.StoreRepeatBatches : o.StoreEpochBatches).ToString(CultureInfo.InvariantCulture));
        if (o.Threads > 0) { args.Add("--threads"); args.Add(o.Threads.ToString(CultureInfo.InvariantCulture)); }
        args.Add("--seed");
        args.Add(o.Seed.ToString(CultureInfo.InvariantCulture));
        return args;
    }

    private static ImageStorePhase RunChild(Func<IReadOnlyList<string>, ProcessStartInfo> phaseProcess, BenchOptions o, string phase, string scale,
                                            string root, string store, bool epoch, bool pipeline, string work, Action<string> log, int repeat = 0)
    {
        var output = Path.Combine(work, $"{scale}-{phase}-{repeat}.json");
        using var p = Process.Start(phaseProcess(PhaseArguments(o, phase, root, store, output, epoch, pipeline, repeat))) ?? throw new InvalidOperationException("could not start the bench phase");
        var stderr = p.StandardError.ReadToEndAsync();
        while (p.StandardOutput.ReadLine() is { } line) log($"    [{scale} {phase}] {line}");
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bench phase {scale} {phase} exited with code {p.ExitCode}: {stderr.Result}");
        return Json.Read<ImageStorePhase>(output) with { Scale = scale };
    }

    /// <summary>A data root whose train/ holds <paramref name="copies"/> hard links (symbolic ones where that fails) to each of <paramref name="count"/> training images.</summary>
    private static (string Root, int Images, string How) BuildSet(string dataRoot, IReadOnlyList<ImageRecord> all, string root, int copies, int count, int seed)
    {
        var chosen = all.ToArray();
        if (count < chosen.Length)
        {
            new Random(seed).Shuffle(chosen);
            chosen = chosen.Take(count).ToArray();
        }
        int hard = 0, soft = 0;
        foreach (var r in chosen)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, "train", r.Label.FolderName())).FullName;
            for (int k = 0; k < copies; k++)
            {
                var target = Path.Combine(dir, copies == 1 ? Path.GetFileName(r.FullPath) : $"x{k}-{Path.GetFileName(r.FullPath)}");
                if (OperatingSystem.IsLinux() && link(r.FullPath, target) == 0) hard++;
                else { File.CreateSymbolicLink(target, r.FullPath); soft++; }
            }
        }
        return (root, chosen.Length * copies, soft == 0 ? "hard links" : hard == 0 ? "symbolic links" : $"{hard} hard, {soft} symbolic links");
    }

    /// <summary>
    /// The images of the measured epoch: all of them when <paramref name="count"/> is 0, else <paramref name="count"/>
    /// drawn at random from the whole set (the pages they touch are anywhere in the store), cycling through the set again
    /// when it is smaller, so that a small set can be measured over as many batches as a large one.
    /// </summary>
    internal static IReadOnlyList<ImageRecord> EpochImages(IReadOnlyList<ImageRecord> usable, int count, int seed)
    {
        if (count <= 0) return usable;
        var shuffled = Enumerable.Range(0, usable.Count).ToArray();
        new Random(seed).Shuffle(shuffled);
        return usable.Subset(Enumerable.Range(0, count).Select(i => shuffled[i % shuffled.Length]));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    /// <summary>One phase, in this (fresh) process: load the set, read every image once, optionally train an epoch and measure the pipeline.</summary>
    public static ImageStorePhase RunPhase(BenchOptions o, string phase, string storeDir, bool epoch, bool pipeline, Action<string> log,
                                           CancellationToken cancel)
    {
        int threads = TorchThreads.Use(o.Threads);
        using var sampler = new RssSampler();
        // What listing the set costs, by heap: read after a full collection and a trim before and after the listing.
        var beforeListing = SettledParts();
        var records = ChestXrayDataset.Load(o.DataRoot, "train");
        var afterListing = SettledParts();
        var decoder = new ImageDecoder(224);
        using var cache = new ImageCache(decoder, phase == MemoryPhase ? null : storeDir);
        var clock = Stopwatch.StartNew();
        var (usable, failures) = cache.LoadAll(records, cancel: cancel);
        double load = clock.Elapsed.TotalSeconds;
        var scratch = new byte[3 * 224 * 224];
        clock.Restart();
        foreach (var r in usable) cache.CopyTo(r, scratch);
        double readAll = clock.Elapsed.TotalSeconds;
        var afterLoad = sampler.Peak();
        log($"loaded {usable.Count} images ({failures.Count} unreadable, {cache.Decoded} decoded) in {load:F2} s; read all in {readAll:F2} s; " +
            $"RssAnon {afterLoad.Anon:F0} MB, RssFile {afterLoad.File:F0} MB");

        EpochMemory? epochMemory = null;
        TrainingThroughput? training = null;
        if (epoch)
        {
            var augmentation = Augmentation.For(new AugmentationOptions());
            var weights = ClassWeights.Balanced(usable);
            var info = ModelRegistry.Get(SzaNet.Name);
            var preprocessing = info.DefaultPreprocessing;
            torch.manual_seed(o.Seed);
            using var model = info.Build(preprocessing.InputSize);
            using var trainer = new Trainer(model, preprocessing, 5e-5, weights, new WeightAverage(model, info.Build(preprocessing.InputSize), 0.998), flipAveraging: true);
            var (prefetch, workers) = BatchLoader.ForThisProcess();
            var epochRecords = EpochImages(usable, o.StoreEpochBatches * o.BatchSize, o.Seed);
            var loader = new BatchLoader(epochRecords, cache, o.BatchSize, augmentation, shuffle: true, seed: o.Seed, prefetch: prefetch,
                                         prepare: preprocessing, workers: workers);
            // As the memory measurement of the main bench: start the epoch from what the process holds, not from the garbage of the load.
            Machine.Settle();
            double managed = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes / 1048576.0;
            sampler.Reset();
            var start = sampler.Peak();
            var startParts = RssSampler.PartsNow();
            // The peak so far at the end of each tenth of the epoch's batches: creep through the epoch shows as a rising curve.
            var curve = new List<double>();
            int batches = loader.BatchCount;
            var (_, _, speed) = trainer.TrainOneEpoch(loader, 1, (b, _) =>
            {
                while (b * 10L / batches > curve.Count) curve.Add(Math.Round(sampler.Peak().Anon, 1));
            }, cancel);
            var peak = sampler.Peak();
            epochMemory = new EpochMemory(epochRecords.Count, Math.Round(speed, 1), Math.Round(peak.Anon, 1), Math.Round(peak.File, 1), Math.Round(peak.Total, 1),
                                          Math.Round(Machine.Rss().Peak, 1))
            {
                Batches = batches, StartRssAnonMb = Math.Round(start.Anon, 1), ManagedHeapMb = Math.Round(managed, 1), PeakRssAnonByTenthMb = curve,
                AtStart = startParts, AtPeak = sampler.Parts,
            };
            log($"epoch: {epochRecords.Count} images ({batches} batches) at {speed:F1} img/s; RssAnon {start.Anon:F0} MB at its start (managed heap {managed:F0} MB, committed {startParts.ManagedCommittedMb:F0}; native arenas {startParts.NativeArenaMb:F0} MB, {startParts.NativeInUseMb:F0} in use), " +
                $"peak {peak.Anon:F0} MB, by tenths {string.Join(" ", curve.Select(c => c.ToString("F0", CultureInfo.InvariantCulture)))}; RssFile {peak.File:F0} MB; " +
                $"at the peak: managed committed {sampler.Parts.ManagedCommittedMb:F0} MB, native arenas {sampler.Parts.NativeArenaMb:F0} MB " +
                $"({sampler.Parts.NativeInUseMb:F0} in use), mmapped {sampler.Parts.NativeMmappedMb:F0} MB");
        }
        if (pipeline)
        {
            var augmentation = Augmentation.For(new AugmentationOptions());
            var shuffled = EpochImages(usable, usable.Count, o.Seed);
            var fmaLoop = Machine.Describe(threads).MeasuredFmaGflops;
            training = Bench.MeasureTraining(SzaNet.Name, "fp32", Bench.DefaultVariant, cache, shuffled, ClassWeights.Balanced(usable), augmentation, o,
                                             fmaLoop, cancel);
            log($"pipeline {training.PipelineImagesPerSecond:F1} img/s, bound {training.BoundImagesPerSecond:F1} img/s, ratio {training.Ratio:F3}");
        }
        var all = sampler.Peak();
        return new ImageStorePhase
        {
            Phase = phase, Images = usable.Count, Decoded = cache.Decoded, LoadSeconds = Math.Round(load, 3), ReadAllSeconds = Math.Round(readAll, 3),
            PeakRssAnonMb = Math.Round(afterLoad.Anon, 1), PeakRssFileMb = Math.Round(afterLoad.File, 1), ManagedImageMb = Math.Round(cache.ManagedBytes / 1048576.0, 1),
            StoreFiles = cache.StoreFiles.Select(f => Path.GetFileName(f)).ToList(), Epoch = epochMemory, Training = training,
            ProcessPeakRssAnonMb = Math.Round(all.Anon, 1), ProcessPeakRssFileMb = Math.Round(all.File, 1),
            BeforeListing = beforeListing, AfterListing = afterListing,
        };
    }

    private static PeakParts SettledParts()
    {
        Machine.Settle();
        return RssSampler.PartsNow();
    }

    /// <summary>Samples RssAnon and RssFile (/proc/self/status) every 10 ms on its own thread and keeps their peaks.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;
        private readonly Lock gate = new();
        private double anon, file, total;

        public RssSampler()
        {
            Sample();
            thread = new Thread(() => { while (!stop) { Sample(); Thread.Sleep(10); } }) { IsBackground = true, Name = "rss-sampler" };
            thread.Start();
        }

        private PeakParts parts = new(0, 0, 0, 0);

        private void Sample()
        {
            var (a, f) = Read();
            bool higher;
            lock (gate)
            {
                higher = a > anon;
                anon = Math.Max(anon, a); file = Math.Max(file, f); total = Math.Max(total, a + f);
            }
            if (higher) Attribute(a);
        }

        /// <summary>What the new peak is made of: the managed heap's committed memory (as of the last collection) and the native heap's, read right after it.</summary>
        private void Attribute(double peak)
        {
            var now = PartsNow();
            lock (gate) if (peak >= anon) parts = now;
        }

        /// <summary>The managed heap's committed memory (as of the last collection) and the native heap's parts, now.</summary>
        public static PeakParts PartsNow()
        {
            double managed = GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0;
            var heap = Machine.NativeHeap();
            return new PeakParts(Math.Round(managed, 1), Math.Round(heap?.ArenaMb ?? 0, 1), Math.Round(heap?.InUseMb ?? 0, 1), Math.Round(heap?.MmappedMb ?? 0, 1));
        }

        /// <summary>The parts of the current peak (<see cref="Attribute"/>).</summary>
        public PeakParts Parts { get { lock (gate) return parts; } }

        public static (double Anon, double File) Read() =>
            ProcessStatus.Read() is { } status ? (status.GetValueOrDefault("RssAnon"), status.GetValueOrDefault("RssFile")) : (0, 0);

        public (double Anon, double File, double Total) Peak()
        {
            Sample();
            lock (gate) return (anon, file, total);
        }

        public void Reset()
        {
            lock (gate) { anon = file = total = 0; parts = new(0, 0, 0, 0); }
            Sample();
        }

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }

    /// <summary>The report as Markdown.</summary>
    public static string Markdown(ImageStoreReport r)
    {
        var s = new StringBuilder();
        void L(FormattableString line) => s.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        L($"# Decoded-image store{(r.Quick ? " (quick)" : "")}");
        s.AppendLine();
        L($"- Command: `{r.Provenance.Command}`");
        L($"- Commit: `{r.Provenance.Commit}`, {r.Provenance.CreatedUtc}, {r.Seconds:F0} s");
        L($"- Each phase ran in a new process. `memory`: decoded into managed memory (`PNEUMO_IMAGE_STORE=off`); `store-first`: decoded into an empty store; `store-second`: the same images again, from the store (OS file cache warm: the file was just written).");
        L($"- Load: `ImageCache.LoadAll` (decode, or find and map the store file); read all: then every image copied out once. RssAnon is the process's own memory (heap); RssFile its file pages (the mapped store, the program's libraries), which the OS can drop.");
        L($"- Epoch: SZANet, batch {r.BatchSize}, augmentation and preprocessing as `pneumo train` does them; {(r.EpochBatches > 0 ? $"{r.EpochBatches} batches drawn at random from the whole set (not a full pass: a full 10x epoch is about 17 minutes here)" : "every image")}.");
        L($"- Store size on disk after all phases: {r.StoreBytes / 1048576.0:F0} MB.");
        s.AppendLine();
        s.AppendLine("| set | phase | images | decoded | load s | read all s | RssAnon after load MB | RssFile after load MB | managed image bytes MB | epoch batches | epoch img/s | epoch start RssAnon MB | managed heap MB | epoch peak RssAnon MB | peak by tenths of the epoch MB | epoch peak RssFile MB | pipeline img/s | bound img/s | pipeline/bound |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in r.Phases.Where(p => p.Repeat == 0))
            L($"| {p.Scale} | {p.Phase} | {p.Images} | {p.Decoded} | {p.LoadSeconds:F2} | {p.ReadAllSeconds:F2} | {p.PeakRssAnonMb:F0} | {p.PeakRssFileMb:F0} | {p.ManagedImageMb:F0} | {Opt(p.Epoch?.Batches, "F0")} | {Opt(p.Epoch?.ImagesPerSecond, "F1")} | {Opt(p.Epoch?.StartRssAnonMb, "F0")} | {Opt(p.Epoch?.ManagedHeapMb, "F0")} | {Opt(p.Epoch?.PeakRssAnonMb, "F0")} | {Curve(p.Epoch)} | {Opt(p.Epoch?.PeakRssFileMb, "F0")} | {Opt(p.Training?.PipelineImagesPerSecond, "F1")} | {Opt(p.Training?.BoundImagesPerSecond, "F1")} | {Opt(p.Training?.Ratio, "F3")} |");
        s.AppendLine();
        var repeats = r.Phases.Where(p => p.Repeat > 0 && p.Epoch is not null).ToList();
        if (repeats.Count > 0)
        {
            s.AppendLine("## An epoch's peak, repeated");
            s.AppendLine();
            L($"Short epochs from the store ({repeats[0].Epoch!.Batches} batches drawn at random from the set), each in a new process, the sets alternating. An epoch's peak RssAnon is mostly libtorch's heap high-water mark; its spread between runs of the same set is the noise that any difference between the sets has to be read against.");
            s.AppendLine();
            s.AppendLine("| set | runs | start RssAnon MB, each run | median | managed heap MB (median) | managed committed MB (median) | native arenas MB (median) | native in use MB (median) | peak RssAnon MB, each run | median | min | max |");
            s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var g in repeats.GroupBy(p => p.Scale))
            {
                var peaks = g.Select(p => p.Epoch!.PeakRssAnonMb).ToList();
                var starts = g.Select(p => p.Epoch!.StartRssAnonMb).ToList();
                string StartMedian(Func<PeakParts, double> part) =>
                    g.Select(p => p.Epoch!.AtStart).OfType<PeakParts>().Select(part).ToList() is { Count: > 0 } v ? Bench.Percentile(v, 0.5).ToString("F1", CultureInfo.InvariantCulture) : "";
                L($"| {g.Key} | {peaks.Count} | {Each(starts, "F1")} | {Bench.Percentile(starts, 0.5):F1} | {Bench.Percentile(g.Select(p => p.Epoch!.ManagedHeapMb).ToList(), 0.5):F1} | {StartMedian(a => a.ManagedCommittedMb)} | {StartMedian(a => a.NativeArenaMb)} | {StartMedian(a => a.NativeInUseMb)} | {Each(peaks, "F0")} | {Bench.Percentile(peaks, 0.5):F0} | {peaks.Min():F0} | {peaks.Max():F0} |");
            }
            s.AppendLine();
            if (ListGrowth(r) is { } growth)
            {
                L($"What grows with the number of images, the list of them: the epoch starts at {growth.Larger:F1} MB of RssAnon on {growth.LargerScale} against {growth.Smaller:F1} MB on {growth.SmallerScale} (medians), {growth.Larger - growth.Smaller:F1} MB for {growth.MoreImages:N0} more images, **{growth.BytesPerImage:F0} bytes an image**.");
                s.AppendLine();
            }
        }
        var listed = r.Phases.Where(p => p.Phase == SecondPhase && p.BeforeListing is not null && p.AfterListing is not null).ToList();
        if (listed.Count > 0)
        {
            s.AppendLine("## What listing the set costs");
            s.AppendLine();
            s.AppendLine("In each store run, the heaps' parts right before and right after `ChestXrayDataset.Load` lists the set's images (each after a full collection and a trim of the native heap), medians over the set's runs.");
            s.AppendLine();
            s.AppendLine("| set | runs | managed committed MB before | after | native in use MB before | after |");
            s.AppendLine("|---|---|---|---|---|---|");
            foreach (var g in listed.GroupBy(p => p.Scale))
            {
                double Median(Func<ImageStorePhase, double> part) => Bench.Percentile(g.Select(part).ToList(), 0.5);
                L($"| {g.Key} | {g.Count()} | {Median(p => p.BeforeListing!.ManagedCommittedMb):F1} | {Median(p => p.AfterListing!.ManagedCommittedMb):F1} | {Median(p => p.BeforeListing!.NativeInUseMb):F1} | {Median(p => p.AfterListing!.NativeInUseMb):F1} |");
            }
            s.AppendLine();
        }
        var ratios = r.Phases.Where(p => p.Phase == SecondPhase && p.Training is not null).ToList();
        if (ratios.Count > 1)
        {
            s.AppendLine("## The training pipeline against its bound, repeated");
            s.AppendLine();
            L($"From the store, on {ratios[0].Scale}, in {ratios.Count} processes (the phase above, then after each repeated epoch); each ratio is the median of its run's {ratios[0].Training!.RoundRatios.Count} rounds.");
            s.AppendLine();
            s.AppendLine("| runs | pipeline/bound, each run | median | min | max | pipeline img/s (median) | bound img/s (median) |");
            s.AppendLine("|---|---|---|---|---|---|---|");
            var each = ratios.Select(p => p.Training!.Ratio).ToList();
            L($"| {each.Count} | {Each(each, "F3")} | {Bench.Percentile(each, 0.5):F3} | {each.Min():F3} | {each.Max():F3} | {Bench.Percentile(ratios.Select(p => p.Training!.PipelineImagesPerSecond).ToList(), 0.5):F1} | {Bench.Percentile(ratios.Select(p => p.Training!.BoundImagesPerSecond).ToList(), 0.5):F1} |");
            s.AppendLine();
        }
        var attributed = r.Phases.Where(p => p.Epoch?.AtPeak is not null).ToList();
        if (attributed.Count > 0)
        {
            s.AppendLine("## What each epoch's peak was made of");
            s.AppendLine();
            s.AppendLine("Read when the peak was reached: the managed heap's committed memory as of the last collection before it, and the native heap (glibc's mallinfo2) — what its arenas took from the system (reserved, not all of it touched), the part handed out, and blocks mapped on their own. A peak far above the native memory in use is the high-water mark of a fragmented heap.");
            s.AppendLine();
            s.AppendLine("| set | phase | run | peak RssAnon MB | managed committed MB | native arenas MB | native in use MB | native mmapped MB |");
            s.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var p in attributed)
            {
                var a = p.Epoch!.AtPeak!;
                L($"| {p.Scale} | {p.Phase} | {p.Repeat} | {p.Epoch.PeakRssAnonMb:F0} | {a.ManagedCommittedMb:F0} | {a.NativeArenaMb:F0} | {a.NativeInUseMb:F0} | {a.NativeMmappedMb:F0} |");
            }
            s.AppendLine();
        }
        s.AppendLine("## Ratios");
        s.AppendLine();
        foreach (var scale in r.Phases.Select(p => p.Scale).Distinct())
        {
            var first = r.Phases.FirstOrDefault(p => p.Scale == scale && p.Phase == FirstPhase && p.Repeat == 0);
            var second = r.Phases.FirstOrDefault(p => p.Scale == scale && p.Phase == SecondPhase && p.Repeat == 0);
            var memory = r.Phases.FirstOrDefault(p => p.Scale == scale && p.Phase == MemoryPhase && p.Repeat == 0);
            if (first is null || second is null || memory is null) continue;
            L($"- {scale}: decoding into memory {memory.LoadSeconds:F2} s, into the store {first.LoadSeconds:F2} s; second run {second.LoadSeconds:F3} s: **{memory.LoadSeconds / second.LoadSeconds:F0}x** faster than decoding ({first.LoadSeconds / second.LoadSeconds:F0}x than the first store run); with every image read once {second.LoadSeconds + second.ReadAllSeconds:F2} s: {memory.LoadSeconds / (second.LoadSeconds + second.ReadAllSeconds):F0}x.");
        }
        return s.ToString();
    }

    /// <summary>
    /// The medians of the repeated epochs' starting RssAnon on the smallest and the largest set, and what the difference
    /// comes to per image; null without repeats of two sets.
    /// </summary>
    internal static (string SmallerScale, double Smaller, string LargerScale, double Larger, int MoreImages, double BytesPerImage)? ListGrowth(ImageStoreReport r)
    {
        var sets = r.Phases.Where(p => p.Repeat > 0 && p.Epoch is not null).GroupBy(p => p.Scale)
            .Select(g => (Scale: g.Key, Images: g.First().Images, Start: Bench.Percentile(g.Select(p => p.Epoch!.StartRssAnonMb).ToList(), 0.5)))
            .OrderBy(x => x.Images).ToList();
        if (sets.Count < 2 || sets[^1].Images == sets[0].Images) return null;
        var (small, large) = (sets[0], sets[^1]);
        int more = large.Images - small.Images;
        return (small.Scale, small.Start, large.Scale, large.Start, more, (large.Start - small.Start) * 1048576.0 / more);
    }

    private static string Each(IEnumerable<double> values, string format) =>
        string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string Curve(EpochMemory? e) =>
        e is { PeakRssAnonByTenthMb.Count: > 0 } ? string.Join(" ", e.PeakRssAnonByTenthMb.Select(v => v.ToString("F0", CultureInfo.InvariantCulture))) : "";

    private static string Opt(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "";
}

/// <summary>The contents of the image-store bench's <c>bench.json</c>.</summary>
public sealed record ImageStoreReport
{
    public required Provenance Provenance { get; init; }
    public required bool Quick { get; init; }
    public required int Seed { get; init; }
    public required int EpochBatches { get; init; }
    public required int BatchSize { get; init; }
    public required List<ImageStorePhase> Phases { get; init; }
    public required long StoreBytes { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>One phase in its own process: the load, a read of every image, and optionally an epoch and the training pipeline.</summary>
public sealed record ImageStorePhase
{
    public string Scale { get; init; } = "";
    public required string Phase { get; init; }
    /// <summary>0 for the phase itself, 1.. for the repeated short epochs (<see cref="BenchOptions.StoreEpochRepeats"/>).</summary>
    public int Repeat { get; init; }
    public required int Images { get; init; }
    public required int Decoded { get; init; }
    public required double LoadSeconds { get; init; }
    public required double ReadAllSeconds { get; init; }
    /// <summary>Peaks from the process's start to the end of the load and read (MB).</summary>
    public required double PeakRssAnonMb { get; init; }
    public required double PeakRssFileMb { get; init; }
    public required double ManagedImageMb { get; init; }
    public required List<string> StoreFiles { get; init; }
    public EpochMemory? Epoch { get; init; }
    public TrainingThroughput? Training { get; init; }
    /// <summary>Peaks over the whole phase (MB).</summary>
    public required double ProcessPeakRssAnonMb { get; init; }
    public required double ProcessPeakRssFileMb { get; init; }
    /// <summary>The heaps' parts (settled: after a full collection and a trim) before and after the set's images were listed.</summary>
    public PeakParts? BeforeListing { get; init; }
    public PeakParts? AfterListing { get; init; }
}

/// <summary>One SZANet training epoch: images, images/s, and the peaks sampled during it (MB); VmHWM is the process's peak total RSS.</summary>
public sealed record EpochMemory(int Images, double ImagesPerSecond, double PeakRssAnonMb, double PeakRssFileMb, double PeakRssTotalMb, double VmHwmMb)
{
    public int Batches { get; init; }
    /// <summary>RssAnon when the epoch starts (after a full collection and a trim of the native heap), and the managed heap then.</summary>
    public double StartRssAnonMb { get; init; }
    public double ManagedHeapMb { get; init; }
    /// <summary>The peak RssAnon so far at the end of each tenth of the batches.</summary>
    public List<double> PeakRssAnonByTenthMb { get; init; } = [];
    /// <summary>The same parts at the epoch's start, read right after <see cref="StartRssAnonMb"/>: what a larger list of images adds shows here.</summary>
    public PeakParts? AtStart { get; init; }
    /// <summary>What the peak RssAnon was made of, read when it was reached.</summary>
    public PeakParts? AtPeak { get; init; }
}

/// <summary>
/// The memory behind an RssAnon peak (MB): the managed heap's committed memory (as of the last collection), and the native heap's arenas (what they
/// took from the system), the part of them handed out, and the blocks mapped on their own (glibc's mallinfo2).
/// </summary>
public sealed record PeakParts(double ManagedCommittedMb, double NativeArenaMb, double NativeInUseMb, double NativeMmappedMb);
