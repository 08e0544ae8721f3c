namespace Pneumo.Cluster;

/// <summary>One unit of a cluster run (or its merge, <see cref="Index"/> 0): its state, a one-line detail, its job and log.</summary>
public sealed record UnitStatus(int Index, string Unit, UnitState State, string Detail, string? Job, string? Log)
{
    /// <summary>Ended and not well: to be submitted again.</summary>
    public bool NeedsResubmission => State is UnitState.Failed or UnitState.Killed or UnitState.Lost or UnitState.NotSubmitted;
}
