using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// Keeps a run's <c>state.json</c>: after each epoch, the epochs done, the committed checkpoint, the learning rate, the
/// history, every callback's saved state and why the loop stopped (if it did); then <c>history.csv</c>.
/// </summary>
/// <remarks>
/// Writing <c>state.json</c> (atomically) is the commit point of an epoch: resume continues from the checkpoint it names.
/// So this callback comes after every callback whose state it saves and after <see cref="EpochCheckpoint"/>, and removes
/// the older checkpoints only once the new one is committed.
/// </remarks>
/// <param name="runDir">The run folder.</param>
/// <param name="state">The state before the first epoch of this process (new, or read on resume).</param>
/// <param name="checkpoint">The callback that wrote this epoch's checkpoint.</param>
/// <param name="best">The best weights, whose epoch and loss are recorded.</param>
/// <param name="average">The weight average, whose update count is recorded; null = none.</param>
public sealed class RunStateFile(string runDir, TrainingState state, EpochCheckpoint checkpoint, ModelCheckpoint best, WeightAverage? average)
    : Callback
{
    public override string Name => "run_state";

    /// <summary>The state as last written.</summary>
    public TrainingState State { get; private set; } = state;

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        var history = State.History.Append(logs).ToList();
        State = State with
        {
            EpochsDone = logs.Epoch, Checkpoint = checkpoint.Current, LearningRate = context.LearningRate, History = history,
            Callbacks = context.Callbacks.Select(c => (c.Name, State: c.SaveState())).Where(c => c.State.Count > 0).ToDictionary(c => c.Name, c => c.State),
            BestEpoch = best.BestEpoch, BestValLoss = best.Best, TrainingSeconds = State.TrainingSeconds + logs.Seconds,
            AverageUpdates = average?.Updates ?? 0, Stop = context.Stop,
        };
        Json.Write(Path.Combine(runDir, FileNames.State), State);  // the commit point of the epoch
        ResultFiles.WriteHistory(Path.Combine(runDir, FileNames.History), history);
        checkpoint.RemoveOthers();
    }
}
