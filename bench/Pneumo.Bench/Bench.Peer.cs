using Pneumo.Bench.Peer;
using Pneumo.Data;
using Pneumo.Models;
using TorchSharp;

namespace Pneumo.Bench;

/// <summary>The bench's peer (<c>--peer pytorch</c>): the same bound steps in PyTorch, alternating with Pneumo's.</summary>
public static partial class Bench
{
    /// <summary>The peer and its report, or (null, a report saying why not) when it cannot run here; (null, null) without --peer.</summary>
    internal static (PytorchPeer? Peer, PeerReport? Report) StartPeer(BenchOptions o, int threads, Action<string> log, CancellationToken cancel)
    {
        if (o.Peer is null) return (null, null);
        var peer = new PytorchPeer(o.PeerPython, o.PeerScript);
        var report = new PeerReport { Name = PytorchPeer.Name, Python = o.PeerPython, Script = o.PeerScript, Threads = threads };
        if (peer.Unavailable(cancel) is string why)
        {
            log($"peer {PytorchPeer.Name}: skipped ({why})");
            return (null, report with { Skipped = why });
        }
        log($"peer {PytorchPeer.Name}: {o.PeerScript} on {o.PeerPython}, {threads} threads, {o.Rounds} rounds per architecture alternating with Pneumo's");
        return (peer, report);
    }

    /// <summary>
    /// <see cref="BenchOptions.Rounds"/> rounds of Pneumo's bound training steps (each precision) and inference (both
    /// engines), then the peer's, each side starting from a fresh model every round; the report with this
    /// architecture's rows added, or saying why the peer stopped.
    /// </summary>
    private static PeerReport CompareWithPeer(PytorchPeer peer, PeerReport report, string arch, bool bf16, ImageCache cache, IReadOnlyList<ImageRecord> records,
                                              double[] weights, BenchOptions o, int threads, Action<string> log, CancellationToken cancel)
    {
        if (!PytorchPeer.Architectures.Contains(arch))
        {
            log($"peer {PytorchPeer.Name}: no PyTorch model of {arch}; not compared");
            return report;
        }
        var info = ModelRegistry.Get(arch);
        var preprocessing = info.DefaultPreprocessing;
        int steps = BoundSteps(arch, o);
        string[] precisions = bf16 ? ["fp32", "bf16"] : ["fp32"];
        var batch = new BatchLoader(Enumerable.Range(0, o.BatchSize).Select(i => records[i % records.Count]).ToList(), cache, o.BatchSize, prepare: preprocessing)
                        .Produce(0).First();
        long parameters;
        using (var model = info.Build(preprocessing.InputSize)) parameters = model.TrainableParameterCount();

        List<Measured> PneumoRound()
        {
            var round = new List<Measured>();
            foreach (var precision in precisions)
            {
                torch.manual_seed(o.Seed);
                using var model = info.Build(preprocessing.InputSize);
                model.MixedPrecision = precision == "bf16";
                using var trainer = NewTrainer(arch, model, weights);
                round.Add(new(PeerComparison.Training, precision, batch.Count, Math.Round(BoundRate(trainer, preprocessing, batch, steps), 2)));
            }
            round.AddRange(MeasureInference(arch, cache, records, o, threads).Select(i => new Measured(PeerComparison.Inference, i.Engine, i.BatchSize, i.ImagesPerSecond)));
            return round;
        }

        var arguments = PytorchPeer.Arguments(arch, threads, o.BatchSize, preprocessing.InputSize, steps, o.InferenceRepeats, StepRecipe.For(arch), weights, bf16, o.Seed);
        log($"peer {arch}: Pneumo, then {PytorchPeer.Name}, {o.Rounds} times");
        try
        {
            var (ours, theirs) = PeerComparison.Alternate(o.Rounds, PneumoRound, () => peer.Run(arguments, cancel), log, cancel);
            var rows = PeerComparison.Rows(arch, ours, theirs);
            foreach (var r in rows)
                log($"peer {arch} {r.Measure} batch {r.BatchSize}: pneumo {r.PneumoBest:F1} img/s, {PytorchPeer.Name} {r.PeerBest:F1} ({r.PeerBestLayout}): {r.Ratio:F2}x");
            var peerModel = theirs[0];
            if (peerModel.Parameters != parameters)
                log($"peer {arch}: the PyTorch model has {peerModel.Parameters:N0} parameters, Pneumo's {parameters:N0}: not the same network");
            return report with
            {
                Version = peerModel.Version, Models = [.. report.Models, new PeerModel(arch, parameters, peerModel.Parameters, peerModel.Optimizer)],
                Rows = [.. report.Rows, .. rows],
            };
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
        {
            log($"peer {PytorchPeer.Name}: failed ({e.Message})");
            return report with { Skipped = $"failed on {arch}: {e.Message}" };
        }
    }
}
