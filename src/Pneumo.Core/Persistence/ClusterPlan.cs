namespace Pneumo.Persistence;

/// <summary>
/// The contents of <c>cluster.json</c>, written by <c>pneumo cluster</c> before anything is submitted: what the run
/// fans out, its units, how the jobs start pneumo, what they ask Slurm for, and each submission's job ids.
/// </summary>
/// <remarks>
/// Task <c>i</c> (1-based, Slurm's <c>SLURM_ARRAY_TASK_ID</c> or a Kubernetes <c>JOB_COMPLETION_INDEX</c> + 1) works on
/// <see cref="Units"/>[i - 1] only. The workload's settings: for <see cref="ClusterWorkload.Cv"/> the folder's
/// <c>cv-settings.json</c> and <see cref="Bootstrap"/>; for <see cref="ClusterWorkload.Train"/> each unit's
/// <c>pneumo train</c> options (<see cref="TrainArguments"/>, without <c>--out</c>); for
/// <see cref="ClusterWorkload.Predict"/> the folder's <c>inputs.txt</c>, <see cref="Models"/>, <see cref="MaxFileMb"/>
/// and <see cref="AnyModality"/>.
/// </remarks>
public sealed record ClusterPlan
{
    public required ClusterWorkload Workload { get; init; }
    public required List<string> Units { get; init; }
    /// <summary>The shell words that start pneumo in a job, e.g. <c>dotnet '/opt/pneumo/pneumo.dll'</c>.</summary>
    public required string Launcher { get; init; }
    /// <summary>The folder jobs run in (relative inputs and model paths are read from it).</summary>
    public required string WorkingDirectory { get; init; }
    public required ClusterResources Resources { get; init; }
    public int? Bootstrap { get; init; }
    public List<List<string>>? TrainArguments { get; init; }
    public List<string>? Models { get; init; }
    public int? MaxFileMb { get; init; }
    public bool AnyModality { get; init; }
    public List<ClusterSubmission> Submissions { get; init; } = [];
    public required Provenance Provenance { get; init; }
}
