using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Training.Callbacks;
using TorchSharp;

namespace Pneumo.Training;

/// <summary>
/// The one training loop (Lightning's fit loop): epochs, the per-epoch seed, a training pass, validation, the epoch's
/// numbers, the callbacks' hooks, and why it stopped. Everything else a job needs around it is a callback: the best
/// weights, early stopping, learning-rate schedules, checkpoints and a run's state file, a pruning mask, progress.
/// </summary>
/// <remarks>
/// A training run and the retraining after pruning are this loop with different callbacks; a second loop would drift
/// (they did: one seeded, validated and tracked the best weights its own way). Each epoch seeds torch with
/// <c>seed x 1000 + epoch</c> before its training pass, so dropout draws the same numbers whether the epoch runs
/// straight through or after a resume. How the validation predictions become accuracy and AUC is given
/// (<c>validate</c>): metrics live in Evaluation, a layer this one does not use.
/// </remarks>
public sealed class FitLoop
{
    private readonly Trainer trainer;
    private readonly long seed;
    private readonly Func<int, Predictions, BinaryMetrics> validate;

    /// <param name="trainer">The optimisation of one epoch, and the model it trains.</param>
    /// <param name="callbacks">The hooks, called in this order.</param>
    /// <param name="seed">The job's seed; epoch e runs under <c>seed x 1000 + e</c>.</param>
    /// <param name="validate">Epoch and its validation predictions to their metrics at the default threshold (may refuse them, e.g. non-finite scores).</param>
    public FitLoop(Trainer trainer, IReadOnlyList<Callback> callbacks, long seed, Func<int, Predictions, BinaryMetrics> validate)
    {
        this.trainer = trainer;
        this.seed = seed;
        this.validate = validate;
        Context = new TrainingContext(() => trainer.LearningRate, lr => trainer.LearningRate = lr, callbacks);
    }

    /// <summary>What the callbacks share: restore their state (and a saved stop) through it before <see cref="Run"/>.</summary>
    public TrainingContext Context { get; }

    /// <summary>Runs epochs <paramref name="epochsDone"/> + 1 to <paramref name="maxEpochs"/>, or fewer when a callback stops it.</summary>
    /// <returns>Why it stopped: a callback's stop (also one restored before), else <see cref="StopReason.MaxEpochs"/>.</returns>
    public TrainingStop Run(BatchLoader train, BatchLoader validation, int epochsDone, int maxEpochs, CancellationToken cancel = default)
    {
        Context.MaxEpochs = maxEpochs;
        var afterStep = trainer.AfterStep;
        trainer.AfterStep = () =>
        {
            afterStep?.Invoke();
            Context.Each(c => c.OnStepEnd(Context));
        };
        try
        {
            Context.Each(c => c.OnTrainBegin(Context));
            for (int epoch = epochsDone + 1; !Context.StopRequested && epoch <= maxEpochs; epoch++)
            {
                var logs = RunEpoch(epoch, train, validation, cancel);
                Context.Each(c => c.OnEpochEnd(Context, logs));
                if (trainer.FrontCache is { } cache)
                    Context.Log($"frozen front: {cache.Count} views cached ({cache.Misses} computed, {cache.Hits} reused so far)");
            }
            Context.Each(c => c.OnTrainEnd(Context));
        }
        finally
        {
            trainer.AfterStep = afterStep;
        }
        return Context.Stop ?? TrainingStop.MaxEpochs(maxEpochs);
    }

    /// <summary>One epoch: a training pass, a validation pass, and the epoch's numbers.</summary>
    private EpochLogs RunEpoch(int epoch, BatchLoader train, BatchLoader validation, CancellationToken cancel)
    {
        Context.Epoch = epoch;
        torch.manual_seed(seed * 1000L + epoch);
        var clock = Stopwatch.StartNew();
        var (loss, accuracy, speed) = trainer.TrainOneEpoch(train, epoch,
            (b, running) => Context.Each(c => c.OnBatchEnd(Context, b, train.BatchCount, running)), cancel);
        Context.Each(c => c.OnValidationBegin(Context));
        var predictions = trainer.Evaluate(validation, cancel);
        var metrics = validate(epoch, predictions);
        Context.Each(c => c.OnValidationEnd(Context, predictions));
        return new EpochLogs(epoch, loss, accuracy, predictions.LogLoss(), metrics.Accuracy, metrics.Auc,
                             trainer.LearningRate, clock.Elapsed.TotalSeconds, speed);
    }
}
