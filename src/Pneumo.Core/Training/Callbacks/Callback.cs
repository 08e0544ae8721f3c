using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>A hook into the training loop. State that must survive <c>--resume</c> goes through <see cref="SaveState"/>.</summary>
public abstract class Callback
{
    /// <summary>A stable name, the key of this callback's saved state.</summary>
    public abstract string Name { get; }

    public virtual void OnTrainBegin(TrainingContext context) { }
    public virtual void OnEpochEnd(TrainingContext context, EpochLogs logs) { }
    public virtual void OnTrainEnd(TrainingContext context) { }

    public virtual JsonObject SaveState() => new();
    public virtual void LoadState(JsonObject state) { }
}
