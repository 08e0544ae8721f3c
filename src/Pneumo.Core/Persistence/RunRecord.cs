namespace Pneumo.Persistence;

/// <summary>The contents of <c>run.json</c>: what was asked for, once, at the start of a run.</summary>
public sealed record RunRecord(TrainingConfig Config, string DataRoot, Provenance Provenance)
{
    /// <summary>
    /// Set when the run was given its split (e.g. "fold 2 of 5, seed 42") instead of drawing it from the configuration:
    /// the split is then the one recorded in <c>split.csv</c>, also on resume.
    /// </summary>
    public string? GivenSplit { get; init; }
}

/// <summary>The contents of <c>state.json</c>: how far a run got; rewritten atomically after every epoch.</summary>
public sealed record TrainingState
{
    public int EpochsDone { get; init; }
    /// <summary>Folder (relative to the run) of the last epoch's weights and optimizer state.</summary>
    public string? Checkpoint { get; init; }
    public double LearningRate { get; init; }
    public List<EpochLogs> History { get; init; } = [];
    public Dictionary<string, System.Text.Json.Nodes.JsonObject> Callbacks { get; init; } = [];
    public int BestEpoch { get; init; }
    public double BestValLoss { get; init; } = double.PositiveInfinity;
    public bool Finished { get; init; }
    /// <summary>Why the loop stopped, once it has; null while it runs.</summary>
    public TrainingStop? Stop { get; init; }
    /// <summary>The text form of <see cref="Stop"/> in runs saved before it existed; read only (see <see cref="RunFiles.ReadState"/>), never written.</summary>
    public string? StopReason { get; init; }
    public double TrainingSeconds { get; init; }
    /// <summary>Updates of the weight average so far (its decay warm-up continues from here on resume).</summary>
    public long AverageUpdates { get; init; }
}
