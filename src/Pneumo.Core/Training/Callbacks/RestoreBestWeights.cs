using Pneumo.Models;
using Pneumo.Persistence;
using TorchSharp;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// Keeps a copy in memory of the model's state (weights and batch-norm statistics) at the epoch of the best monitored
/// value, and puts it back when training ends (Keras' <c>restore_best_weights</c>); also keeps that epoch's validation
/// predictions. For short retraining without a run folder (after pruning); a run keeps its best weights on disk
/// (<see cref="ModelCheckpoint"/>).
/// </summary>
/// <remarks>
/// The first epoch always counts as the best so far, so there is a best epoch whatever the values. No copy is taken at
/// the last epoch the loop may run: the model's own weights are then the best.
/// </remarks>
/// <param name="model">The model whose state is kept and restored.</param>
/// <param name="monitor">The metric that decides (validation loss).</param>
public sealed class RestoreBestWeights(ClassifierModel model, string monitor = "val_loss")
    : MonitorCallback(monitor, MonitorMode.Min, minDelta: 0, patience: int.MaxValue), IDisposable
{
    private Dictionary<string, torch.Tensor>? copy;
    private Predictions? latest;

    public override string Name => "restore_best_weights";

    /// <summary>The best epoch so far; 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The validation predictions of <see cref="BestEpoch"/>.</summary>
    public Predictions? BestValidation { get; private set; }

    public override void OnValidationEnd(TrainingContext context, Predictions validation) => latest = validation;

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        if (!Observe(logs) && BestEpoch > 0) return;
        if (BestEpoch == 0) Best = logs.Get(Monitor);
        BestEpoch = logs.Epoch;
        BestValidation = latest;
        if (logs.Epoch < context.MaxEpochs) Snapshot();
    }

    public override void OnTrainEnd(TrainingContext context)
    {
        if (BestEpoch == 0 || BestEpoch == context.Epoch) return;
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in model.state_dict()) tensor.copy_(copy![name]);
    }

    private void Snapshot()
    {
        using var noGrad = torch.no_grad();
        if (copy is null) copy = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        else foreach (var (name, tensor) in model.state_dict()) copy[name].copy_(tensor);
    }

    public void Dispose()
    {
        if (copy is not null) foreach (var t in copy.Values) t.Dispose();
    }
}
