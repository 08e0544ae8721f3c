using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// A hook into the training loop (as in Keras and Lightning): learning-rate schedules, early stopping, keeping the best
/// weights and showing progress are all callbacks. State that must survive <c>--resume</c> goes through
/// <see cref="SaveState"/>; a callback without state saves nothing.
/// </summary>
public abstract class Callback
{
    /// <summary>A stable name, the key of this callback's saved state.</summary>
    public abstract string Name { get; }

    /// <summary>A line of information from the run (split counts, callbacks' decisions, where files went).</summary>
    public virtual void OnLog(string message) { }

    /// <summary>Decoding progress while the run loads its images, before training begins.</summary>
    public virtual void OnDecoding(int done, int total) { }

    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>Batch <paramref name="batch"/> of <paramref name="batches"/> of the epoch finished; the epoch's mean loss so far.</summary>
    public virtual void OnBatchEnd(TrainingContext context, int batch, int batches, double runningLoss) { }

    /// <summary>
    /// An optimizer step is done, before the weight average and anything else reads the weights (e.g. to hold pruned
    /// weights at zero).
    /// </summary>
    public virtual void OnStepEnd(TrainingContext context) { }

    /// <summary>The epoch's training pass is done; validation starts.</summary>
    public virtual void OnValidationBegin(TrainingContext context) { }

    /// <summary>The epoch's validation predictions, before its numbers are computed from them.</summary>
    public virtual void OnValidationEnd(TrainingContext context, Predictions validation) { }

    public virtual void OnEpochEnd(TrainingContext context, EpochLogs logs) { }

    public virtual void OnTrainEnd(TrainingContext context) { }

    public virtual JsonObject SaveState() => new();
    public virtual void LoadState(JsonObject state) { }
}
