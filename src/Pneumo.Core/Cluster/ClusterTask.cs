using System.Diagnostics;
using Pneumo.Persistence;

namespace Pneumo.Cluster;

/// <summary>
/// Runs task <c>i</c> of a cluster run: the work on its unit folder only, under the unit's task lock, with its record
/// (<c>cluster-task.json</c>) written when it starts and when it ends. A finished unit is not redone; an interrupted
/// one is continued by the work itself (a training run resumes from its last checkpoint).
/// </summary>
public static class ClusterTask
{
    /// <summary>The unit folder of task <paramref name="index"/> (1-based).</summary>
    /// <exception cref="UserError">No such task in the plan.</exception>
    public static string UnitDirectory(string dir, ClusterPlan plan, int index) =>
        index >= 1 && index <= plan.Units.Count ? Path.Combine(dir, plan.Units[index - 1])
            : throw new UserError($"--index {index}: the cluster run in {dir} has tasks 1 to {plan.Units.Count}");

    /// <summary>The record of a unit folder, or null when none was written.</summary>
    public static ClusterTaskRecord? ReadRecord(string unitDir)
    {
        var path = Path.Combine(unitDir, FileNames.ClusterTask);
        return File.Exists(path) ? Json.Read<ClusterTaskRecord>(path) : null;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on task <paramref name="index"/>'s unit folder and records how it ended. The work
    /// returns null when it succeeded, else its one-line error; an exception is recorded and rethrown.
    /// </summary>
    /// <returns>Null when the unit is finished (now or before), else the work's error.</returns>
    /// <exception cref="RunFolderLockedException">Another copy of this task is running.</exception>
    public static string? Run(string dir, int index, string command, Action<string> log, Func<ClusterPlan, string, string?> work)
    {
        var plan = ClusterRun.Load(dir);
        var unitDir = UnitDirectory(dir, plan, index);
        using var taskLock = RunFolderLock.Acquire(Path.Combine(unitDir, FileNames.ClusterTaskLock));
        if (ReadRecord(unitDir) is { State: ClusterTaskState.Finished })
        {
            log($"{plan.Units[index - 1]}: already finished");
            return null;
        }
        var started = DateTime.UtcNow;
        var record = new ClusterTaskRecord
        {
            Index = index, Unit = plan.Units[index - 1], State = ClusterTaskState.Running,
            Commit = Provenance.Capture(command).Commit, Host = Environment.MachineName, Job = SlurmJobId(),
            ProcessStartedUtc = Process.GetCurrentProcess().StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            StartedUtc = ClusterRun.Now(),
        };
        var path = Path.Combine(unitDir, FileNames.ClusterTask);
        Json.Write(path, record);
        string? error;
        try
        {
            error = work(plan, unitDir);
        }
        catch (Exception e)
        {
            Json.Write(path, Ended(record, started, ClusterTaskState.Failed, e.Message.ReplaceLineEndings(" ")));
            throw;
        }
        Json.Write(path, Ended(record, started, error is null ? ClusterTaskState.Finished : ClusterTaskState.Failed, error));
        return error;
    }

    /// <summary>This job's id as Slurm names array tasks (<c>ARRAY_INDEX</c>), or the plain job id; null outside Slurm.</summary>
    public static string? SlurmJobId()
    {
        var array = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
        var task = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        return !string.IsNullOrEmpty(array) && !string.IsNullOrEmpty(task) ? $"{array}_{task}" : Environment.GetEnvironmentVariable("SLURM_JOB_ID");
    }

    private static ClusterTaskRecord Ended(ClusterTaskRecord record, DateTime started, ClusterTaskState state, string? error) =>
        record with { State = state, FinishedUtc = ClusterRun.Now(), Seconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 3), Error = error };
}
