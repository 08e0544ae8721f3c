using System.Text.Json.Nodes;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// Keeps the weights of the best epoch so far by the monitored metric (Keras' ModelCheckpoint with
/// <c>save_best_only</c>): written atomically to <c>path</c> whenever the metric improves. The one definition of
/// "best" in a run: the weights restored at the end, and the best epoch recorded in <c>model.json</c>.
/// </summary>
/// <remarks>
/// The SHA-256 of every file it writes is kept (and saved with its state in <c>state.json</c>), and
/// <see cref="Verify"/> checks the file against it before the weights are used: a <c>best.pt</c> damaged on disk was
/// once shipped as a model with a fresh <c>weights_sha256</c>.
/// </remarks>
/// <param name="path">Where the best weights go (a run's <c>best.pt</c>).</param>
/// <param name="model">The model whose weights count (the weight average when there is one).</param>
/// <param name="monitor">The metric that decides (validation loss).</param>
/// <param name="mode">Whether the metric should fall or rise.</param>
public sealed class ModelCheckpoint(string path, Func<ClassifierModel> model, string monitor = "val_loss", MonitorMode mode = MonitorMode.Min)
    : MonitorCallback(monitor, mode, minDelta: 0, patience: int.MaxValue)
{
    public override string Name => "model_checkpoint";

    public string Path { get; } = path;

    /// <summary>The epoch whose weights are at <see cref="Path"/>; 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The SHA-256 of the file at <see cref="Path"/> when it was written; null before any (or in runs saved before it was recorded).</summary>
    public string? Sha256 { get; private set; }

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        if (!Observe(logs)) return;
        BestEpoch = logs.Epoch;
        AtomicFile.Write(Path, tmp =>
        {
            model().SaveWeights(tmp);
            Sha256 = FileHash.Sha256(tmp);
        });
    }

    /// <summary>Checks the file at <see cref="Path"/> against the SHA-256 recorded when it was written.</summary>
    /// <exception cref="InvalidDataException">The file is missing or its content differs; the message names it.</exception>
    public void Verify()
    {
        if (Sha256 is null) return;
        if (!File.Exists(Path)) throw new InvalidDataException($"{Path}: the best weights are missing");
        if (FileHash.Sha256(Path) != Sha256)
            throw new InvalidDataException($"{Path}: damaged or altered best weights (its SHA-256 differs from the one recorded when it was written); not used");
    }

    public override JsonObject SaveState()
    {
        var state = base.SaveState();
        state["best_epoch"] = BestEpoch;
        if (Sha256 is not null) state["best_sha256"] = Sha256;
        return state;
    }

    public override void LoadState(JsonObject state)
    {
        base.LoadState(state);
        BestEpoch = state["best_epoch"]!.GetValue<int>();
        Sha256 = state["best_sha256"]?.GetValue<string>();
    }

    /// <summary>The state of a run saved before this callback existed (its best epoch and loss were fields of state.json).</summary>
    public void Restore(int bestEpoch, double best)
    {
        BestEpoch = bestEpoch;
        Best = best;
    }
}
