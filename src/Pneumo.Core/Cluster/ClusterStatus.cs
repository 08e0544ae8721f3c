using System.Globalization;
using Pneumo.Persistence;

namespace Pneumo.Cluster;

/// <summary>
/// What a cluster run has done: each unit's state from its record (<c>cluster-task.json</c>) and Slurm's queue
/// (<c>squeue</c>) and memory (<c>scontrol</c>, else <c>sacct</c> where the cluster keeps accounting), the merge's, and
/// which units a resume would submit again.
/// </summary>
public sealed record ClusterStatus(ClusterPlan Plan, IReadOnlyList<UnitStatus> Units, UnitStatus Merge, IReadOnlyList<string> QueuedJobs)
{
    /// <summary>The units to submit again (ended badly, or never submitted).</summary>
    public IReadOnlyList<UnitStatus> ToResubmit => Units.Where(u => u.NeedsResubmission).ToList();

    /// <summary>Every unit finished and the merge done after the last of them.</summary>
    public bool Done => Merge.State == UnitState.Finished;

    /// <summary>Reads the state of the cluster run in <paramref name="dir"/>; without <paramref name="slurm"/>, from the records only.</summary>
    public static ClusterStatus Read(string dir, SlurmClient? slurm)
    {
        var plan = ClusterRun.Load(dir);
        var jobs = plan.Submissions.SelectMany(s => new[] { s.ArrayJob, s.MergeJob }).Where(j => j.Length > 0).ToList();
        var queue = slurm is null ? [] : slurm.Queue(jobs).ToDictionary(j => j.Id);
        var remembered = new Dictionary<string, IReadOnlyList<SlurmJob>>();
        SlurmJob? Remembered(string arrayOrJob, string id)
        {
            if (slurm is null) return null;
            if (!remembered.TryGetValue(arrayOrJob, out var known))
            {
                known = slurm.Show(arrayOrJob);
                if (known.Count == 0) known = slurm.Accounted(arrayOrJob);  // forgotten by the controller: the accounting, where kept
                remembered[arrayOrJob] = known;
            }
            return known.FirstOrDefault(j => j.Id == id);
        }

        var units = new List<UnitStatus>();
        for (int i = 1; i <= plan.Units.Count; i++)
        {
            var unit = plan.Units[i - 1];
            var record = ClusterTask.ReadRecord(Path.Combine(dir, unit));
            var submission = plan.Submissions.LastOrDefault(s => s.Indices.Contains(i) && s.ArrayJob.Length > 0);
            var job = submission is null ? null : $"{submission.ArrayJob}_{i}";
            var log = job is null ? null : Path.Combine(dir, FileNames.ClusterLogs, $"task-{job}.log");
            units.Add(Unit(i, unit, record, job, log, job is null ? null : queue.GetValueOrDefault(job),
                           () => submission is null ? null : Remembered(submission.ArrayJob, job!)));
        }

        var mergeRecordPath = Path.Combine(dir, FileNames.ClusterMerge);
        var mergeRecord = File.Exists(mergeRecordPath) ? Json.Read<ClusterTaskRecord>(mergeRecordPath) : null;
        var mergeJob = plan.Submissions.LastOrDefault()?.MergeJob;
        var mergeLog = mergeJob is null ? null : Path.Combine(dir, FileNames.ClusterLogs, $"merge-{mergeJob}.log");
        bool mergeCurrent = mergeRecord is not null && units.All(u => u.State == UnitState.Finished)
                            && plan.Units.All(u => string.CompareOrdinal(ClusterTask.ReadRecord(Path.Combine(dir, u))?.FinishedUtc, mergeRecord.StartedUtc) <= 0);
        UnitStatus merge = mergeCurrent
            ? new UnitStatus(0, "merge", UnitState.Finished, $"merged at {mergeRecord!.FinishedUtc} (commit {Short(mergeRecord.Commit)})", mergeRecord.Job ?? mergeJob, mergeLog)
            : Unit(0, "merge", null, mergeJob, mergeLog, mergeJob is null ? null : queue.GetValueOrDefault(mergeJob),
                   () => mergeJob is null ? null : Remembered(mergeJob, mergeJob));
        if (!mergeCurrent && merge.State is UnitState.Failed or UnitState.Lost && units.Any(u => u.State != UnitState.Finished))
            merge = merge with { State = UnitState.NotSubmitted, Detail = "not run: waits for every unit" };
        return new ClusterStatus(plan, units, merge, queue.Values.Where(j => j.Queued).Select(j => j.Id).ToList());
    }

    private static UnitStatus Unit(int index, string unit, ClusterTaskRecord? record, string? job, string? log, SlurmJob? queued, Func<SlurmJob?> remembered)
    {
        if (record is { State: ClusterTaskState.Finished })
            return new(index, unit, UnitState.Finished, $"finished in {Seconds(record.Seconds)} on {record.Host} (commit {Short(record.Commit)})", record.Job ?? job, log);
        if (queued is { Queued: true })
            return queued.State == "PENDING"
                ? new(index, unit, UnitState.Pending, $"pending ({queued.Reason})", job, log)
                : new(index, unit, UnitState.Running, record is null ? "running, starting pneumo" : $"running on {record.Host} since {record.StartedUtc}", job, log);
        if (record is { State: ClusterTaskState.Failed })
            return new(index, unit, UnitState.Failed, $"failed after {Seconds(record.Seconds)}: {record.Error}", record.Job ?? job, log);
        if (job is null)
            return new(index, unit, UnitState.NotSubmitted, record is null ? "not submitted" : "not submitted by pneumo (started by hand?)", null, log);
        var slurm = remembered();
        string slurmSays = slurm is null ? "" : $"; Slurm: {slurm.State}{(slurm.ExitCode is { } e && e != "0:0" ? $", exit {e}" : "")}";
        if (record is { State: ClusterTaskState.Running })
            return new(index, unit, UnitState.Killed, $"stopped without a word after starting at {record.StartedUtc} (time limit, memory, node or scancel){slurmSays}", job, log);
        if (slurm is not null && slurm.State != "COMPLETED")
            return new(index, unit, UnitState.Failed, $"ended without a record{slurmSays}; see the log", job, log);
        return new(index, unit, UnitState.Lost, $"no record and no longer queued{slurmSays}; see the log", job, log);
    }

    private static string Seconds(double? seconds) => seconds is double s ? s.ToString("F0", CultureInfo.InvariantCulture) + " s" : "?";

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;
}
