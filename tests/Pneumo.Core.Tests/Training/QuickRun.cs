using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;

namespace Pneumo.Tests.Training;

/// <summary>A two-epoch SZANet configuration for the run-folder tests (checkpoints, damaged runs), and a callback that stops a run after its first epoch.</summary>
internal static class QuickRun
{
    public static TrainingConfig Config() => new()
    {
        Epochs = 2, BatchSize = 8, LearningRate = 1e-3, Seed = 3, Threads = 2,
        Augmentation = new AugmentationOptions(), EarlyStoppingPatience = 5, ReduceLrPatience = 5,
    };
}

/// <summary>Cancels the run at the end of its first epoch (after the epoch's commit), recording the run's log lines.</summary>
internal sealed class StopAfterFirstEpoch(CancellationTokenSource cancel) : Callback
{
    public override string Name => "stop_after_first_epoch";
    public List<string> Messages { get; } = [];
    public override void OnLog(string message) => Messages.Add(message);
    public override void OnEpochEnd(TrainingContext context, EpochLogs logs) => cancel.Cancel();
}
