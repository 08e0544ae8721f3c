namespace Pneumo.Inference;

/// <summary>How a <see cref="MicroBatcher{TItem, TResult}"/> groups concurrent calls into batches.</summary>
public sealed record MicroBatching
{
    /// <summary>The largest batch; a batch this full runs at once, without waiting.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>How long the first call of a batch waits for others before its batch runs (when a runner is free).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>
    /// Batches that run at once. ONNX Runtime runs each call on one core (<see cref="OnnxScorer"/>), so one per core
    /// keeps every core busy; while all runners are busy, arriving calls queue and form the next batches.
    /// </summary>
    public int Parallel { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>A problem with the settings in one sentence, or null.</summary>
    public string? Validate() =>
        MaxBatch < 1 ? "the largest batch must be at least 1"
        : Wait < TimeSpan.Zero ? "the batch wait must not be negative"
        : Parallel < 1 ? "at least one batch must be able to run"
        : null;
}
