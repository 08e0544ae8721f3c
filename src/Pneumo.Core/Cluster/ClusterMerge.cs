using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Cluster;

/// <summary>
/// The merge of a cluster run, after its tasks: it refuses, with one line, a run with a unit not finished or with units
/// (or itself) of different commits; then it merges under the run folder's lock and writes its own record
/// (<c>cluster-merge.json</c>).
/// </summary>
/// <remarks>
/// Commits are compared without the <c>-dirty</c> mark: that mark says whether the checkout a process ran in had
/// changes at that moment, not which code it ran.
/// </remarks>
public static class ClusterMerge
{
    /// <summary>Checks the units of <paramref name="dir"/>, then runs <paramref name="merge"/> and records it.</summary>
    /// <exception cref="UserError">A unit is not finished, or the commits differ.</exception>
    public static T Run<T>(string dir, string command, Func<ClusterPlan, T> merge)
    {
        using var folderLock = RunFolderLock.Acquire(dir);
        var started = DateTime.UtcNow;
        var plan = ClusterRun.Load(dir);
        var commit = Provenance.Capture(command).Commit;
        Check(dir, plan, commit);
        var result = merge(plan);
        Json.Write(Path.Combine(dir, FileNames.ClusterMerge), new ClusterTaskRecord
        {
            Index = 0, Unit = "merge", State = ClusterTaskState.Finished, Commit = commit, Host = Environment.MachineName,
            Job = ClusterTask.SlurmJobId(), ProcessStartedUtc = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            StartedUtc = started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), FinishedUtc = ClusterRun.Now(),
            Seconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 3),
        });
        return result;
    }

    /// <summary>Every unit's record, when every unit is finished and every commit (the units', their training runs', <paramref name="mergeCommit"/>) is one.</summary>
    /// <exception cref="UserError">One line: which units are not finished, or which commits differ.</exception>
    public static IReadOnlyList<ClusterTaskRecord> Check(string dir, ClusterPlan plan, string mergeCommit)
    {
        var records = plan.Units.Select(u => ClusterTask.ReadRecord(Path.Combine(dir, u))).ToList();
        var missing = plan.Units.Select((u, i) => (Unit: u, Record: records[i]))
            .Where(x => x.Record is not { State: ClusterTaskState.Finished })
            .Select(x => $"{x.Unit} {(x.Record is null ? "not started" : x.Record.State == ClusterTaskState.Failed ? "failed" : "not finished")}")
            .ToList();
        if (missing.Count > 0)
            throw new UserError($"{dir}: incomplete, {missing.Count} of {plan.Units.Count} units not finished ({string.Join(", ", missing)}); see pneumo cluster status {dir}");
        var commits = new List<(string Who, string Commit)>();
        for (int i = 0; i < plan.Units.Count; i++)
        {
            commits.Add((plan.Units[i], Clean(records[i]!.Commit)));
            var run = Path.Combine(dir, plan.Units[i], FileNames.Run);
            if (File.Exists(run)) commits.Add(($"{plan.Units[i]}'s training run", Clean(RunFiles.ReadRun(run).Provenance.Commit)));
        }
        commits.Add(("this merge", Clean(mergeCommit)));
        var groups = commits.GroupBy(c => c.Commit).ToList();
        if (groups.Count > 1)
            throw new UserError($"{dir}: mixed commits ({string.Join("; ", groups.Select(g => $"{Short(g.Key)}: {string.Join(", ", g.Select(c => c.Who))}"))}); " +
                                "rerun the odd units with one build (delete their folders, then pneumo cluster resume)");
        return records!;
    }

    /// <summary>The merge of a cross-validation: <c>cv.json</c>, its tables, the pooled out-of-fold and fold-ensemble predictions, as <c>pneumo cv</c> writes them.</summary>
    public static CrossValidationSummary CrossValidation(string dir, string command, IReportWriter reports) =>
        Run(dir, command, plan =>
        {
            var settings = Json.Read<CrossValidationSettings>(Path.Combine(dir, FileNames.CrossValidationSettings));
            return CrossValidationRun.WriteSummary(dir, settings, plan.Bootstrap ?? Bootstrap.DefaultResamples, command, reports);
        });

    private static string Clean(string commit) => commit.EndsWith("-dirty", StringComparison.Ordinal) ? commit[..^"-dirty".Length] : commit;

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;
}
