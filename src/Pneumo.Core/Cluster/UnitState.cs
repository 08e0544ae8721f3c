namespace Pneumo.Cluster;

/// <summary>Where a unit of a cluster run is, from its record and what Slurm says of its job.</summary>
public enum UnitState
{
    Finished,
    Running,
    /// <summary>Queued, waiting (Slurm's reason in the detail).</summary>
    Pending,
    /// <summary>Ended with an error (the record's, or Slurm's state and exit code).</summary>
    Failed,
    /// <summary>Started, then ended without a word and no longer queued: time limit, memory, node failure, <c>scancel</c>.</summary>
    Killed,
    /// <summary>Never submitted (a <c>--dry-run</c>, or submitted by hand: the plan has no job id).</summary>
    NotSubmitted,
    /// <summary>Submitted, no record and no longer queued, and Slurm has forgotten it: see its log.</summary>
    Lost,
}
