using Pneumo.Persistence;
namespace Pneumo.Training.Callbacks;

/// <summary>Stops training when the monitored metric has not improved for <c>patience</c> epochs.</summary>
/// <remarks>Restoring the best weights is the trainer's job: it always keeps the best-validation-loss weights.</remarks>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 6, double minDelta = 1e-4, MonitorMode mode = MonitorMode.Min)
    : MonitorCallback(monitor, mode, minDelta, patience)
{
    public override string Name => "early_stopping";

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        Observe(logs);
        if (Wait >= Patience)
            context.RequestStop(new TrainingStop(StopReason.EarlyStopping, $"early stopping: {Monitor} did not improve for {Patience} epochs (best {Best:F4})"));
    }
}
