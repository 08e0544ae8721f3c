using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Bench.Profile;

/// <summary>
/// Profiles the bench's bound training step (one ready batch; the architecture's optimiser and weight average,
/// <see cref="StepRecipe"/>): phases from <see cref="Trainer.PhaseEnded"/>, modules from a <see cref="LayerTimer"/>.
/// </summary>
public static class StepProfile
{
    public const string Directory = "results/bench/profile";

    public static ProfileReport Run(BenchOptions o, string command, Action<string> log, CancellationToken cancel = default)
    {
        var problem = o.Validate();
        if (problem is not null) throw new ArgumentException(problem);
        var clock = Stopwatch.StartNew();
        var provenance = Provenance.Capture(command);
        int threads = TorchThreads.Use(o.Threads);
        var machine = Machine.Describe(threads);
        var records = ChestXrayDataset.Load(o.DataRoot, "train").ToArray();
        new Random(o.Seed).Shuffle(records); // both classes, as in the bench's batches
        records = records.Take(o.BatchSize).ToArray();
        var cache = new ImageCache(new ImageDecoder(224), storeDirectory: null);
        var (usable, _) = cache.LoadAll(records, cancel: cancel);
        var weights = ClassWeights.Balanced(usable);
        int steps = Math.Max(2, o.TrainingBatches / 3);
        var runs = new List<ProfileRun>();
        int inputSize = 0;
        foreach (var arch in o.Architectures)
            foreach (var precision in machine.Bf16 ? new[] { "fp32", "bf16" } : ["fp32"])
            {
                cancel.ThrowIfCancellationRequested();
                var preprocessing = ModelRegistry.Get(arch).DefaultPreprocessing;
                inputSize = preprocessing.InputSize;
                var batch = new BatchLoader(Enumerable.Range(0, o.BatchSize).Select(i => usable[i % usable.Count]).ToList(), cache, o.BatchSize, prepare: preprocessing)
                                .Produce(0).First();
                var run = Measure(arch, precision, batch, preprocessing, weights, o.WarmupBatches, steps, o.Seed);
                runs.Add(run);
                log($"profile {arch} {precision}: {run.ImagesPerSecond:F1} img/s, step {run.StepMs:F0} ms (" +
                    string.Join(", ", run.Phases.Select(p => $"{p.Name} {p.Share:P0}")) + "); " +
                    string.Join(", ", run.Kinds.Select(k => $"{k.Kind} {k.Share:P0}")));
            }
        return new ProfileReport
        {
            Provenance = provenance, Machine = machine, Threads = threads, BatchSize = o.BatchSize, InputSize = inputSize, Runs = runs,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
    }

    /// <summary>Profiles <paramref name="steps"/> plain steps, then as many with hooks, after <paramref name="warmup"/> steps.</summary>
    public static ProfileRun Measure(string arch, string precision, Batch batch, Preprocessing preprocessing, double[] weights, int warmup, int steps, int seed)
    {
        var info = ModelRegistry.Get(arch);
        torch.manual_seed(seed);
        using var model = info.Build(preprocessing.InputSize);
        model.MixedPrecision = precision == "bf16";
        using var trainer = Bench.NewTrainer(arch, model, weights);
        using var scope = NewDisposeScope();
        var input = preprocessing.Input(batch);
        var target = tensor(batch.Labels);
        for (int i = 0; i < Math.Max(1, warmup); i++) trainer.Step(input, target);

        var phases = Trainer.StepPhases.ToDictionary(p => p, _ => new List<double>());
        var stepMs = new List<double>();
        var clock = new Stopwatch();
        double last = 0;
        trainer.PhaseEnded = phase =>
        {
            double now = clock.Elapsed.TotalMilliseconds;
            phases[phase].Add(now - last);
            last = now;
        };
        for (int i = 0; i < steps; i++)
        {
            last = 0;
            clock.Restart();
            trainer.Step(input, target);
            stepMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        var hookedMs = new List<double>();
        using var timer = new LayerTimer(model);
        trainer.PhaseEnded = phase => { if (phase == "backward") timer.BackwardEnded(); };
        for (int i = 0; i < steps; i++)
        {
            clock.Restart();
            trainer.Step(input, target);
            hookedMs.Add(clock.Elapsed.TotalMilliseconds);
        }
        trainer.PhaseEnded = null;

        double step = Bench.Percentile(stepMs, 0.5);
        var phaseRows = Trainer.StepPhases.Select(p => Bench.Percentile(phases[p], 0.5)).ToList();
        var layers = OwnTimes(timer.Totals(), model, steps);
        double layerTotal = layers.Sum(l => l.ForwardMs + l.BackwardMs);
        return new ProfileRun(arch, precision, trainer.Optimizer.DecoupledWeightDecay > 0 ? "AdamW" : "Adam", steps, Math.Round(step, 1),
            Math.Round(batch.Count * 1000 / step, 2), Math.Round(Bench.Percentile(hookedMs, 0.5), 1),
            Trainer.StepPhases.Select((p, i) => new PhaseTime(p, Math.Round(phaseRows[i], 2), Math.Round(phaseRows[i] / phaseRows.Sum(), 4))).ToList(),
            layers.Select(l => l with { Share = Math.Round((l.ForwardMs + l.BackwardMs) / layerTotal, 4) }).ToList(),
            layers.GroupBy(l => l.Kind).Select(g => (Kind: g.Key, F: g.Sum(l => l.ForwardMs), B: g.Sum(l => l.BackwardMs)))
                  .OrderByDescending(k => k.F + k.B)
                  .Select(k => new KindTime(k.Kind, Math.Round(k.F, 2), Math.Round(k.B, 2), Math.Round(k.F + k.B, 2), Math.Round((k.F + k.B) / layerTotal, 4))).ToList());
    }

    /// <summary>Each module's mean time per step less its called children's (the nearest called ancestor is the parent).</summary>
    internal static List<LayerTime> OwnTimes(IReadOnlyList<(string Name, double ForwardMs, double BackwardMs)> totals, nn.Module model, int steps)
    {
        var kinds = model.named_modules().ToDictionary(m => m.name, m => m.module.GetType().Name);
        var names = totals.Select(t => t.Name).ToHashSet();
        string Parent(string name)
        {
            for (int dot = name.LastIndexOf('.'); dot > 0; dot = name.LastIndexOf('.', dot - 1))
                if (names.Contains(name[..dot])) return name[..dot];
            return "";
        }
        var own = totals.ToDictionary(t => t.Name, t => (F: t.ForwardMs, B: t.BackwardMs));
        foreach (var t in totals)
            if (Parent(t.Name) is { Length: > 0 } p && own.ContainsKey(p)) own[p] = (own[p].F - t.ForwardMs, own[p].B - t.BackwardMs);
        return totals.Select(t =>
        {
            var (f, b) = (Math.Max(0, own[t.Name].F) / steps, Math.Max(0, own[t.Name].B) / steps);
            string kind = kinds.GetValueOrDefault(t.Name, "?");
            return new LayerTime(t.Name, kind, Math.Round(f, 2), Math.Round(b, 2), Math.Round(f + b, 2), 0);
        }).ToList();
    }
}
