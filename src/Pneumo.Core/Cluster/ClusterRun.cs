using Pneumo.Persistence;

namespace Pneumo.Cluster;

/// <summary>
/// A cluster run's folder: its plan (<c>cluster.json</c>), its two Slurm scripts, and their submission. The folder is
/// the contract: the submitter writes the top (plan, scripts, the workload's settings), each task writes only its
/// unit folder, the merge writes the merged results at the top.
/// </summary>
public static class ClusterRun
{
    public static string TaskScript(string dir) => Path.Combine(dir, FileNames.ClusterScripts, FileNames.ClusterTaskScript);

    public static string MergeScript(string dir) => Path.Combine(dir, FileNames.ClusterScripts, FileNames.ClusterMergeScript);

    /// <summary>The plan of the cluster run in <paramref name="dir"/>.</summary>
    /// <exception cref="UserError">The folder holds no cluster run.</exception>
    public static ClusterPlan Load(string dir)
    {
        var path = Path.Combine(dir, FileNames.ClusterPlan);
        if (!File.Exists(path)) throw new UserError($"{dir}: not a cluster run (no {FileNames.ClusterPlan})");
        return Json.Read<ClusterPlan>(path);
    }

    /// <summary>
    /// Writes the plan and the scripts into <paramref name="dir"/> (an absolute path). A folder prepared before and
    /// never submitted (<c>--dry-run</c>) is prepared again; one that was submitted is refused.
    /// </summary>
    /// <exception cref="UserError">The folder holds a submitted run, or another kind of run; or a path has whitespace.</exception>
    public static void Prepare(string dir, ClusterPlan plan, bool ensembleVerb)
    {
        foreach (var path in new[] { dir, plan.WorkingDirectory })
            if (path.Any(char.IsWhiteSpace)) throw new UserError($"{path}: a path with whitespace cannot be written in #SBATCH lines; use another folder");
        var planPath = Path.Combine(dir, FileNames.ClusterPlan);
        if (File.Exists(planPath))
        {
            var existing = Json.Read<ClusterPlan>(planPath);
            if (existing.Submissions.Count > 0)
                throw new UserError($"{dir}: already submitted (job {existing.Submissions[^1].ArrayJob}); see pneumo cluster status {dir}, or continue it with pneumo cluster resume {dir}");
            if (existing.Workload != plan.Workload || !existing.Units.SequenceEqual(plan.Units))
                throw new UserError($"{dir}: holds another cluster run ({SlurmScripts.Name(existing.Workload)}: {string.Join(", ", existing.Units)}); use another --out");
        }
        Directory.CreateDirectory(Path.Combine(dir, FileNames.ClusterLogs));
        Json.Write(planPath, plan);
        WriteScript(TaskScript(dir), SlurmScripts.Tasks(plan, dir));
        WriteScript(MergeScript(dir), SlurmScripts.Merge(plan, dir, ensembleVerb));
    }

    /// <summary>
    /// Submits the tasks <paramref name="indices"/> (null: all) as one array job, then the merge after them (and after
    /// <paramref name="waitFor"/>, jobs of earlier submissions still queued), and records the submission in the plan.
    /// </summary>
    /// <exception cref="UserError">Slurm refused a job.</exception>
    public static ClusterSubmission Submit(string dir, SlurmClient slurm, IReadOnlyList<int>? indices = null, IReadOnlyList<string>? waitFor = null)
    {
        var plan = Load(dir);
        var all = Enumerable.Range(1, plan.Units.Count).ToList();
        var chosen = indices?.ToList() ?? all;
        string? arrayJob = null;
        if (chosen.Count > 0)
        {
            string? array = indices is null ? null
                : string.Join(',', chosen) + (plan.Resources.MaxParallel is int m ? $"%{m}" : "");
            arrayJob = slurm.Submit(TaskScript(dir), array);
        }
        var after = new List<string>();
        if (arrayJob is not null) after.Add("afterok:" + arrayJob);
        if (waitFor is { Count: > 0 }) after.Add("afterany:" + string.Join(':', waitFor));
        var mergeJob = slurm.Submit(MergeScript(dir), dependency: after.Count == 0 ? null : string.Join(',', after));
        var submission = new ClusterSubmission(arrayJob ?? "", mergeJob, chosen, Now());
        Json.Write(Path.Combine(dir, FileNames.ClusterPlan), plan with { Submissions = [.. plan.Submissions, submission] });
        return submission;
    }

    /// <summary>
    /// Continues a cluster run: submits again, as one array job, the units that ended badly or were never submitted
    /// (each continues from where it stopped: a training run from its last checkpoint), cancels a merge still waiting
    /// for the old jobs, and submits a new merge after the new tasks and the ones still queued.
    /// </summary>
    /// <returns>The new submission, or null when there is nothing to submit (done, or everything is still queued).</returns>
    /// <exception cref="UserError">Slurm refused a job.</exception>
    public static ClusterSubmission? Resume(string dir, SlurmClient slurm)
    {
        var status = ClusterStatus.Read(dir, slurm);
        if (status.Done) return null;
        var redo = status.ToResubmit.Select(u => u.Index).ToList();
        bool mergeQueued = status.Merge.State is UnitState.Pending or UnitState.Running;
        if (redo.Count == 0 && mergeQueued) return null;
        if (status.Merge is { State: UnitState.Pending, Job: { } oldMerge }) slurm.Cancel(oldMerge);
        var stillQueued = status.Units.Where(u => u.State is UnitState.Pending or UnitState.Running && u.Job is not null)
                                      .Select(u => u.Job!.Split('_')[0]).Distinct().ToList();
        return Submit(dir, slurm, redo, stillQueued);
    }

    /// <summary>The current UTC time as the records write it.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static void WriteScript(string path, string text)
    {
        AtomicFile.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
