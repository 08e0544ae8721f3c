namespace Pneumo.Persistence;

/// <summary>
/// The record a cluster task keeps in its unit folder (<c>cluster-task.json</c>): written when it starts and again when
/// it ends, atomically; what <c>pneumo cluster status</c> and the merge read.
/// </summary>
/// <remarks>
/// <see cref="Commit"/> is the commit of the pneumo that ran the task (the merge refuses units of different commits).
/// The times are UTC, ISO 8601: <see cref="ProcessStartedUtc"/> when the process started (Slurm's start is earlier by
/// the job's set-up), <see cref="StartedUtc"/> when the work began, <see cref="FinishedUtc"/> when it ended.
/// A record left <see cref="ClusterTaskState.Running"/> by a task no longer in the queue was killed.
/// </remarks>
public sealed record ClusterTaskRecord
{
    public required int Index { get; init; }
    public required string Unit { get; init; }
    public required ClusterTaskState State { get; init; }
    public required string Commit { get; init; }
    public required string Host { get; init; }
    /// <summary>Slurm's job id of this task (<c>ARRAY_INDEX</c>), or null outside Slurm.</summary>
    public string? Job { get; init; }
    public required string ProcessStartedUtc { get; init; }
    public required string StartedUtc { get; init; }
    public string? FinishedUtc { get; init; }
    public double? Seconds { get; init; }
    /// <summary>Why a failed task stopped: its one-line error.</summary>
    public string? Error { get; init; }
}
