using System.Globalization;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;

namespace Pneumo.Workflows;

/// <summary>One line per retraining epoch of a pruning step: what was pruned, the epoch's numbers and the learning rate.</summary>
/// <param name="what">The step, e.g. "random 0.50".</param>
/// <param name="log">Where the lines go.</param>
public sealed class RetrainingProgress(string what, Action<string> log) : Callback
{
    public override string Name => "retraining_progress";

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs) =>
        log(string.Create(CultureInfo.InvariantCulture,
            $"  retraining {what}, epoch {logs.Epoch}/{context.MaxEpochs}: " +
            $"loss {logs.Loss:F4}, accuracy {logs.Accuracy:F4}, val_loss {logs.ValLoss:F4}, val AUC {logs.ValAuc:F4}, " +
            $"learning rate {logs.LearningRate:G3} ({logs.ImagesPerSecond:F0} img/s)"));
}
