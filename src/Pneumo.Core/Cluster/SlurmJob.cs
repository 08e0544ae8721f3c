namespace Pneumo.Cluster;

/// <summary>
/// One job, or one task of an array (<see cref="Id"/> <c>ARRAY_INDEX</c>, e.g. <c>12_3</c>), as Slurm reports it:
/// its state (<c>PENDING</c>, <c>RUNNING</c>, <c>COMPLETED</c>, <c>FAILED</c>, <c>TIMEOUT</c>, <c>OUT_OF_MEMORY</c>,
/// <c>CANCELLED</c>, ...), the reason it waits or ended, and its exit code (<c>code:signal</c>) when known.
/// </summary>
public sealed record SlurmJob(string Id, string State, string Reason, string? ExitCode = null)
{
    /// <summary>Still in the queue: waiting or running.</summary>
    public bool Queued => State is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING";
}
