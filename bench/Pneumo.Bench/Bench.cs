using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Models;
using Pneumo.Models.Onnx;
using Pneumo.Models.ResNet;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training;
using TorchSharp;
using static TorchSharp.torch;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace Pneumo.Bench;

/// <summary>
/// One benchmark run: machine peak, data rates, training throughput (pipeline and bound) and inference throughput
/// per architecture, <c>predict</c> latency, and memory across training epochs; every number measured here, now.
/// </summary>
public static partial class Bench
{
    public const string JsonFile = "bench.json", ReadmeFile = "README.md";

    public static BenchReport Run(BenchOptions o, string command, Action<string> log, CancellationToken cancel = default)
    {
        var problem = o.Validate();
        if (problem is not null) throw new ArgumentException(problem);
        var clock = Stopwatch.StartNew();
        var provenance = Provenance.Capture(command); // the code that is measured: before anything can change
        int threads = TorchThreads.Use(o.Threads);

        var spin = OpenMpSpinning.InEffect;
        log($"machine: measuring the float32 FMA peak on {threads} threads (libgomp spin count {spin})");
        var machine = Machine.Describe(threads);
        log($"  {machine.Cpu}; measured FMA loop {machine.MeasuredFmaGflops:F0} GFLOP/s (what \"of FMA loop\" is against); derived peak {machine.Fp32PeakGflops:F0} GFLOP/s ({machine.PeakDerivation})");
        var (peer, peerReport) = StartPeer(o, threads, log, cancel);

        var all = ChestXrayDataset.Load(o.DataRoot, "train");
        var random = new Random(o.Seed);
        var shuffled = all.ToArray();
        random.Shuffle(shuffled);
        int needed = (o.WarmupBatches + o.TrainingBatches) * o.BatchSize;
        int memoryImages = Math.Min(o.MemoryImages ?? all.Count, all.Count);
        var records = shuffled.Take(Math.Max(needed, memoryImages)).ToList();
        var cache = new ImageCache(new ImageDecoder(224), storeDirectory: null); // decoded here: the decode rate is measured (the store: --image-store)
        var decodeClock = Stopwatch.StartNew();
        var (usable, failures) = cache.LoadAll(records, cancel: cancel);
        double decodeRate = records.Count / decodeClock.Elapsed.TotalSeconds;
        foreach (var f in failures) log($"skipped {f.Message}");
        var augmentation = Augmentation.For(new AugmentationOptions());
        var data = new DataThroughput(usable.Count, Math.Round(decodeRate, 1), Math.Round(MeasureAugmentation(cache, usable, augmentation, o.Seed), 1));
        log($"data: decoded {usable.Count} images at {data.DecodeImagesPerSecond:F0} img/s ({threads} threads); augmentation {data.AugmentImagesPerSecond:F0} img/s on one thread");
        var weights = ClassWeights.Balanced(usable);

        var training = new List<TrainingThroughput>();
        var inference = new List<InferenceThroughput>();
        foreach (var arch in o.Architectures)
        {
            foreach (var (precision, variant) in TrainingVariants(arch, machine.Bf16))
            {
                cancel.ThrowIfCancellationRequested();
                var t = MeasureTraining(arch, precision, variant, cache, usable, weights, augmentation, o, machine.MeasuredFmaGflops, cancel);
                training.Add(t);
                log($"train {arch} {precision}{(variant == DefaultVariant ? "" : $" ({variant})")}: pipeline {t.PipelineImagesPerSecond:F1} img/s, bound {t.BoundImagesPerSecond:F1} img/s, ratio {t.Ratio:F3}" +
                    (t.AchievedGflops is double g ? $", {g:F0} GFLOP/s = {t.FractionOfFmaLoop:P0} of the measured FMA loop" : ""));
            }
            foreach (var r in MeasureInference(arch, cache, usable, o, threads))
            {
                inference.Add(r);
                log($"infer {arch} {r.Engine} batch {r.BatchSize}: {r.ImagesPerSecond:F1} img/s");
            }
            if (peer is not null && peerReport is { Skipped: null })
                peerReport = CompareWithPeer(peer, peerReport, arch, machine.Bf16, cache, usable, weights, o, threads, log, cancel);
        }

        List<PredictLatency>? predict = null;
        if (o.PredictModel is not null)
        {
            predict = [];
            foreach (var engine in PredictEngines(o))
            {
                var p = MeasurePredict(o, usable[0].FullPath, engine);
                predict.Add(p);
                log($"predict {o.PredictModel} --engine {engine}: cold start {(p.ColdStartSeconds is double s ? $"{s:F2} s" : "not measured")}, warm p50 {p.WarmP50Ms:F1} ms, p99 {p.WarmP99Ms:F1} ms");
            }
        }

        var memory = MeasureMemory(cache, usable.Take(memoryImages).ToList(), weights, augmentation, o, log, cancel);
        log($"memory: peak RSS {memory.PeakRssMb:F0} MB; after each epoch {string.Join(", ", memory.RssAfterEpochMb.Select(m => m.ToString("F0")))} MB; growth {memory.Growth:P1}");

        return new BenchReport
        {
            Provenance = provenance, Quick = o.Quick, Threads = threads, OpenMpSpinCount = spin, Seed = o.Seed, Machine = machine, Data = data,
            Training = training, Inference = inference, Peer = peerReport, Predict = predict, Memory = memory,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
    }

    public const string DefaultVariant = "default", PaperLayout = "nchw-relu-then-pool", PreprocessOnTrainingThread = "preprocess-on-training-thread",
                        LoaderInBackground = "loader-in-background";

    /// <summary>
    /// What is measured per architecture: each as trained in float32 and, where the CPU has AVX-512 BF16 and the
    /// architecture trains convolutions (SZANet, resnet18-finetune, resnet18-full), in bfloat16; SZANet also with one
    /// optimisation off at a time (the paper's layout; preprocessing on the training thread; the loader on one
    /// background thread).
    /// </summary>
    private static IEnumerable<(string Precision, string Variant)> TrainingVariants(string arch, bool bf16)
    {
        yield return ("fp32", DefaultVariant);
        if (bf16 && arch != ResNetTransfer.FrozenName && arch != OnnxBackboneModel.Name) yield return ("bf16", DefaultVariant);
        if (arch != SzaNet.Name) yield break;
        yield return ("fp32", PaperLayout);
        yield return ("fp32", PreprocessOnTrainingThread);
        yield return ("fp32", LoaderInBackground);
    }

    private static double MeasureAugmentation(ImageCache cache, IReadOnlyList<ImageRecord> records, Augmentation augmentation, int seed)
    {
        var random = new Random(seed);
        var scratch = new RgbImage(cache.Decoder.Size, cache.Decoder.Size);
        int n = Math.Min(records.Count, 200);
        for (int i = 0; i < 10; i++) AffineWarp.Apply(cache.Get(records[i % records.Count]), augmentation.Sample(random), scratch);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) AffineWarp.Apply(cache.Get(records[i]), augmentation.Sample(random), scratch);
        return n / clock.Elapsed.TotalSeconds;
    }

    internal static TrainingThroughput MeasureTraining(string arch, string precision, string variant, ImageCache cache, IReadOnlyList<ImageRecord> records,
                                                      double[] weights, Augmentation augmentation, BenchOptions o, double fmaLoopGflops, CancellationToken cancel)
    {
        var info = ModelRegistry.Get(arch);
        var preprocessing = info.DefaultPreprocessing;
        torch.manual_seed(o.Seed);
        using var model = info.Build(preprocessing.InputSize);
        model.MixedPrecision = precision == "bf16";
        if (model is SzaNet sza) sza.FastLayout = variant != PaperLayout;
        var prepare = variant == PreprocessOnTrainingThread ? null : preprocessing;
        // The loader as a training run (TrainingRun) sets it up on this machine, or one background thread beside the model.
        var (prefetch, workers) = variant == LoaderInBackground ? (3, 1) : BatchLoader.ForThisProcess();
        using var trainer = NewTrainer(arch, model, weights);
        int batches = BoundSteps(arch, o);
        int bs = o.BatchSize;
        var warm = new BatchLoader(records.Take(Math.Max(1, o.WarmupBatches) * bs).ToList(), cache, bs, augmentation, shuffle: true, seed: o.Seed,
                                   prefetch: prefetch, prepare: prepare, workers: workers);
        trainer.TrainOneEpoch(warm, 1, cancel: cancel);

        // Bound: the same steps on one ready-made batch (already decoded, augmented and preprocessed). Bound and
        // pipeline alternate for several rounds; each keeps its best round, and the ratio is the median of the rounds'
        // ratios: a machine shared with other work (or still warming up) slows one round, not the comparison.
        var first = warm.Produce(1).First();
        double bound = 0, pipeline = 0;
        int images = 0;
        var ratios = new List<double>();
        for (int round = 0; round < o.Rounds; round++)
        {
            double roundBound = BoundRate(trainer, preprocessing, first, batches);
            bound = Math.Max(bound, roundBound);
            var loader = new BatchLoader(records.Skip(o.WarmupBatches * bs).Take(batches * bs).ToList(), cache, bs, augmentation, shuffle: true,
                                         seed: o.Seed, prefetch: prefetch, prepare: prepare, workers: workers);
            var (_, _, rate) = trainer.TrainOneEpoch(loader, 2 + round, cancel: cancel);
            pipeline = Math.Max(pipeline, rate);
            ratios.Add(Math.Round(rate / roundBound, 3));
            images = loader.Records.Count;
        }
        double? gflop = TrainingFlops.Gflop(model, preprocessing.InputSize);
        return new TrainingThroughput(arch, precision, variant, bs, images, Math.Round(pipeline, 1), Math.Round(bound, 1), Math.Round(Percentile(ratios, 0.5), 3),
                                      gflop is double g ? Math.Round(g, 3) : null, gflop is double g2 ? Math.Round(g2 * pipeline, 1) : null,
                                      gflop is double g3 ? Math.Round(g3 * pipeline / fmaLoopGflops, 3) : null, ratios);
    }

    /// <summary>Timed steps of a bound measurement: SZANet's are short, a ResNet's take about ten times as long.</summary>
    private static int BoundSteps(string arch, BenchOptions o) => arch == SzaNet.Name ? o.TrainingBatches : Math.Max(2, o.TrainingBatches / 3);

    /// <summary>The trainer the bench measures: the architecture's optimiser (<see cref="StepRecipe"/>), class weights, the weight average.</summary>
    internal static Trainer NewTrainer(string arch, ClassifierModel model, double[] weights)
    {
        var info = ModelRegistry.Get(arch);
        var recipe = StepRecipe.For(arch);
        return new Trainer(model, info.DefaultPreprocessing, recipe.LearningRate, weights,
                           new WeightAverage(model, info.Build(info.DefaultPreprocessing.InputSize), recipe.EmaDecay), flipAveraging: true, weightDecay: recipe.WeightDecay);
    }

    /// <summary>Images per second of <paramref name="steps"/> training steps on one ready batch, after one untimed step.</summary>
    private static double BoundRate(Trainer trainer, Preprocessing preprocessing, Batch batch, int steps)
    {
        using var scope = NewDisposeScope();
        var input = preprocessing.Input(batch);
        var target = tensor(batch.Labels);
        trainer.Step(input, target);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) trainer.Step(input, target);
        return steps * batch.Count / clock.Elapsed.TotalSeconds;
    }

    private static IEnumerable<InferenceThroughput> MeasureInference(string arch, ImageCache cache, IReadOnlyList<ImageRecord> records, BenchOptions o, int threads)
    {
        var info = ModelRegistry.Get(arch);
        var preprocessing = info.DefaultPreprocessing;
        using var model = info.Build(preprocessing.InputSize);
        model.eval();
        var batch = new BatchLoader(Enumerable.Range(0, 32).Select(i => records[i % records.Count]).ToList(), cache, 32).Produce(0).First();
        int[] sizes = [1, 32];
        foreach (var size in sizes)
        {
            int repeats = size == 1 ? o.InferenceRepeats * 8 : o.InferenceRepeats;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = preprocessing.Apply(tensor(batch.Pixels, [batch.Count, 3, batch.Size, batch.Size], ScalarType.Byte)).narrow(0, 0, size).contiguous();
            if (arch == SzaNet.Name) input = MemoryFormat.ChannelsLast(input);
            yield return new InferenceThroughput(arch, "torchsharp", size, repeats * size,
                Math.Round(Rate(repeats, size, () => model.PredictProbabilities(input).Dispose()), 1));
        }

        var proto = InferenceGraph.Build(model, new Pneumo.Persistence.ModelMetadata { Architecture = arch, Preprocessing = preprocessing });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(proto), options);
        var pixels = batch.Pixels.Select(b => (float)b).ToArray();
        int plane = 3 * batch.Size * batch.Size;
        foreach (var size in sizes)
        {
            int repeats = size == 1 ? o.InferenceRepeats * 8 : o.InferenceRepeats;
            var input = new DenseTensor(pixels.AsMemory(0, size * plane), [size, 3, batch.Size, batch.Size]);
            yield return new InferenceThroughput(arch, "onnxruntime", size, repeats * size, Math.Round(Rate(repeats, size, () =>
            {
                using var results = session.Run([NamedOnnxValue.CreateFromTensor(InferenceGraph.InputName, input)], [InferenceGraph.ProbabilityName]);
            }), 1));
        }
    }

    private static double Rate(int repeats, int size, Action run)
    {
        run();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) run();
        return repeats * size / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The engines to measure <c>predict</c> with: as given, else torch and onnx, and onnx-int8 when the model has its calibration.</summary>
    private static IReadOnlyList<string> PredictEngines(BenchOptions o) =>
        o.PredictEngines ?? (File.Exists(Path.Combine(o.PredictModel!, Int8Ranges.FileName))
            ? [InferenceEngines.TorchName, InferenceEngines.OnnxName, InferenceEngines.OnnxInt8Name]
            : [InferenceEngines.TorchName, InferenceEngines.OnnxName]);

    /// <summary>
    /// Cold start (a new <c>pneumo predict</c> process: the first, which may fill the graph cache, then the median of 3)
    /// and warm latency in process, as <c>predict</c> loads the model (every core).
    /// </summary>
    private static PredictLatency MeasurePredict(BenchOptions o, string image, string engine)
    {
        double? cold = null, first = null;
        if (o.PredictProcess is not null)
        {
            var times = new List<double>();
            for (int i = 0; i < 4; i++)
            {
                var clock = Stopwatch.StartNew();
                using var p = Process.Start(o.PredictProcess(o.PredictModel!, image, engine)) ?? throw new InvalidOperationException("could not start pneumo predict");
                p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                times.Add(clock.Elapsed.TotalSeconds);
                if (p.ExitCode != 0) throw new InvalidOperationException($"pneumo predict --engine {engine} exited with code {p.ExitCode} on {image}");
            }
            first = Math.Round(times[0], 3);
            cold = Math.Round(Percentile(times[1..], 0.5), 3);
        }
        using var diagnoser = Diagnoser.Load([o.PredictModel!], engine: InferenceEngines.Parse(engine)!.Value, threads: Environment.ProcessorCount);
        for (int i = 0; i < 3; i++) diagnoser.Diagnose(image, explain: false);
        var latencies = new List<double>();
        for (int i = 0; i < o.PredictRuns; i++)
        {
            var clock = Stopwatch.StartNew();
            diagnoser.Diagnose(image, explain: false);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new PredictLatency(o.PredictModel!, engine, image, cold, o.PredictRuns, Math.Round(Percentile(latencies, 0.5), 2), Math.Round(Percentile(latencies, 0.99), 2))
        {
            FirstStartSeconds = first,
        };
    }

    /// <summary>The p-quantile by linear interpolation between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double pos = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static MemoryGrowth MeasureMemory(ImageCache cache, IReadOnlyList<ImageRecord> records, double[] weights, Augmentation augmentation,
                                              BenchOptions o, Action<string> log, CancellationToken cancel)
    {
        var info = ModelRegistry.Get(SzaNet.Name);
        var preprocessing = info.DefaultPreprocessing;
        torch.manual_seed(o.Seed);
        using var model = info.Build(preprocessing.InputSize);
        using var trainer = new Trainer(model, preprocessing, 5e-5, weights, new WeightAverage(model, info.Build(preprocessing.InputSize), 0.998), flipAveraging: true);
        var loader = new BatchLoader(records, cache, o.BatchSize, augmentation, shuffle: true, seed: o.Seed, prepare: preprocessing);
        var validation = new BatchLoader(records.Take(128).ToList(), cache, o.BatchSize, prepare: preprocessing);
        // Start from what a fresh training process holds: give back the memory the measurements before this one left
        // committed (the collector decommits its free regions lazily, glibc keeps freed blocks), else it drains away
        // during these epochs and hides growth (measured: RSS fell from 6,982 to 3,090 MB over the three epochs).
        Machine.Settle();
        Machine.ResetPeakRss();
        List<double> after = [], managed = [];
        List<double?> native = [];
        for (int epoch = 1; epoch <= o.MemoryEpochs; epoch++)
        {
            var (_, _, speed) = trainer.TrainOneEpoch(loader, epoch, cancel: cancel);
            trainer.Evaluate(validation, cancel);
            // After a full collection: what the process holds, not how far the collector has got with the epoch's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            after.Add(Math.Round(Machine.Rss().Current, 1));
            managed.Add(Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, 1));
            native.Add(Machine.NativeHeapInUseMb() is double n ? Math.Round(n, 1) : null);
            log($"  memory epoch {epoch}/{o.MemoryEpochs}: {records.Count} images at {speed:F1} img/s, RSS {after[^1]:F0} MB " +
                $"(managed heap {managed[^1]:F0} MB, native heap in use {native[^1]?.ToString("F0") ?? "n/a"} MB)");
        }
        return new MemoryGrowth(SzaNet.Name, records.Count, o.MemoryEpochs, Math.Round(Machine.Rss().Peak, 1), after, Math.Round(after[^1] / after[0] - 1, 4),
                                managed, native);
    }
}
