namespace Pneumo.Persistence;

/// <summary>What every job of a cluster run asks Slurm for, and the shell lines it runs before pneumo.</summary>
/// <remarks>
/// Null means the cluster's default (no <c>#SBATCH</c> line). <see cref="SbatchArguments"/> are written as they are,
/// one <c>#SBATCH</c> line each (e.g. <c>--account=lab</c>, <c>--qos=short</c>); <see cref="Prologue"/> lines run
/// before pneumo in each job (e.g. <c>module load dotnet</c>).
/// </remarks>
public sealed record ClusterResources
{
    public string? Partition { get; init; }
    /// <summary>Time limit per task, in Slurm's format (<c>90</c>, <c>4:00:00</c>, <c>1-00:00:00</c>).</summary>
    public string? Time { get; init; }
    /// <summary>Memory per task, in Slurm's format (<c>8G</c>, <c>16000M</c>).</summary>
    public string? Memory { get; init; }
    public int CpusPerTask { get; init; } = 2;
    /// <summary>At most this many tasks at once (<c>--array=1-N%M</c>); null = as many as the cluster runs.</summary>
    public int? MaxParallel { get; init; }
    public List<string> SbatchArguments { get; init; } = [];
    public List<string> Prologue { get; init; } = [];
}
