namespace Pneumo.Persistence;

/// <summary>Where a cluster task is, as its record (<see cref="ClusterTaskRecord"/>) says.</summary>
public enum ClusterTaskState
{
    /// <summary>Started and not ended, or ended without a word (killed: time limit, memory, node, <c>scancel</c>).</summary>
    Running,

    /// <summary>Its unit folder is complete.</summary>
    Finished,

    /// <summary>Stopped by an error, which the record gives.</summary>
    Failed,
}
