using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>The contents of <c>study.json</c>: options, data root, every invocation's command and commit, and the stages.</summary>
public sealed record StudyRecord
{
    public required string DataRoot { get; init; }
    public int Seed { get; init; }
    public required StudyOptions Options { get; init; }
    /// <summary>The command, commit, machine and time of every run of the study, the first one first.</summary>
    public List<Provenance> Invocations { get; init; } = [];
    public List<StageRecord> Stages { get; init; } = [];
    /// <summary>Every stage finished.</summary>
    public bool Complete { get; init; }
    /// <summary>Wall time of the stages, summed.</summary>
    public double Seconds { get; init; }
}
