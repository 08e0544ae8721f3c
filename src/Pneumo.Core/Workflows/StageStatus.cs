namespace Pneumo.Workflows;

/// <summary>Where a study stage stands in <c>study.json</c>.</summary>
public enum StageStatus
{
    Pending,
    /// <summary>Started and not ended: running now, or interrupted (the next run continues it).</summary>
    Running,
    Finished,
    /// <summary>Ended with an error (or was cancelled); the next run tries it again, from where it stopped.</summary>
    Failed,
}
