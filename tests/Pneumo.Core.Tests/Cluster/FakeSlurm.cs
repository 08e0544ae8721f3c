using Pneumo.Cluster;
using Pneumo.Persistence;

namespace Pneumo.Tests.Cluster;

/// <summary>Slurm's commands scripted: answers per program, and every call recorded.</summary>
public sealed class FakeSlurm : ICommandRunner
{
    public List<(string Program, List<string> Arguments)> Calls { get; } = [];
    public Func<IReadOnlyList<string>, CommandResult> Sbatch { get; set; } = _ => new(0, "100\n", "");
    public string Squeue { get; set; } = "";
    public string Scontrol { get; set; } = "";
    /// <summary>sacct's answer; empty = the cluster keeps no accounting.</summary>
    public string Sacct { get; set; } = "";

    public CommandResult? Run(string program, IReadOnlyList<string> arguments)
    {
        Calls.Add((program, arguments.ToList()));
        return program switch
        {
            "sbatch" => Sbatch(arguments),
            "squeue" => new(0, Squeue, ""),
            "scontrol" => Scontrol.Length == 0 ? new(1, "", "slurm_load_jobs error: Invalid job id specified") : new(0, Scontrol, ""),
            "sacct" => Sacct.Length == 0 ? new(1, "", "Slurm accounting storage is disabled") : new(0, Sacct, ""),
            "scancel" => new(0, "", ""),
            _ => null,
        };
    }

    public List<string> SbatchCalls => Calls.Where(c => c.Program == "sbatch").Select(c => string.Join(' ', c.Arguments)).ToList();

    /// <summary>A plan of <paramref name="units"/> written into <paramref name="dir"/> with its scripts.</summary>
    public static ClusterPlan Prepare(string dir, ClusterWorkload workload, params string[] units)
    {
        var plan = new ClusterPlan
        {
            Workload = workload, Units = [.. units], Launcher = "dotnet /opt/pneumo/pneumo.dll", WorkingDirectory = "/work",
            Resources = new ClusterResources { Partition = "cpu", Time = "4:00:00", Memory = "8G", CpusPerTask = 4, MaxParallel = 2, SbatchArguments = ["--account=lab"], Prologue = ["module load dotnet"] },
            Provenance = new Provenance("pneumo cluster", "abc123", "test", "2026-01-01T00:00:00Z", "1"),
        };
        ClusterRun.Prepare(dir, plan, ensembleVerb: false);
        return plan;
    }

    /// <summary>Writes a unit's task record.</summary>
    public static void Record(string dir, string unit, ClusterTaskState state, string commit = "abc123", string? error = null, string finished = "2026-01-01T01:00:00.000Z")
    {
        Directory.CreateDirectory(Path.Combine(dir, unit));
        Json.Write(Path.Combine(dir, unit, FileNames.ClusterTask), new ClusterTaskRecord
        {
            Index = 1, Unit = unit, State = state, Commit = commit, Host = "node1", Job = null, ProcessStartedUtc = "2026-01-01T00:00:00.000Z",
            StartedUtc = "2026-01-01T00:00:01.000Z", FinishedUtc = state == ClusterTaskState.Running ? null : finished, Seconds = 3600, Error = error,
        });
    }
}
