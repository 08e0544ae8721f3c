using System.Text;
using Pneumo.Persistence;

namespace Pneumo.Cluster;

/// <summary>The two batch scripts of a cluster run: the array of its tasks, and the merge that runs after them.</summary>
/// <remarks>
/// Every job runs pneumo with the plan's launcher in the plan's working directory and writes its log to
/// <c>slurm/logs/</c> in the run folder (<c>task-ARRAY_INDEX.log</c>, <c>merge-JOB.log</c>). Task <c>i</c> runs
/// <c>pneumo cluster task DIR --index i</c> (what it does is in <c>cluster.json</c>); the merge runs
/// <c>pneumo cluster merge DIR</c>, and for a training run then the ensemble of the members.
/// </remarks>
public static class SlurmScripts
{
    /// <summary>The array script: one task per unit (<c>--array=1-N</c>; a resubmission names its indices on the command line).</summary>
    public static string Tasks(ClusterPlan plan, string dir)
    {
        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine($"# pneumo cluster {Name(plan.Workload)}: {plan.Units.Count} tasks, task i works on unit i of {dir}");
        s.AppendLine($"# ({string.Join(", ", plan.Units.Select((u, i) => $"{i + 1} = {u}"))}); written by pneumo at commit {plan.Provenance.Commit}.");
        s.AppendLine($"# Submit: sbatch {Shell.Quote(Path.Combine(dir, FileNames.ClusterScripts, FileNames.ClusterTaskScript))}   One task again: sbatch --array=K ...");
        Header(s, plan, dir, $"pneumo-{Name(plan.Workload)}", "task-%A_%a.log");
        s.AppendLine($"#SBATCH --array=1-{plan.Units.Count}{(plan.Resources.MaxParallel is int m ? $"%{m}" : "")}");
        Body(s, plan);
        s.AppendLine($"exec {plan.Launcher} cluster task {Shell.Quote(dir)} --index \"$SLURM_ARRAY_TASK_ID\"");
        return s.ToString();
    }

    /// <summary>
    /// The merge script, submitted with <c>--dependency=afterok:</c> the array job; <paramref name="ensembleVerb"/> says
    /// whether the pneumo that writes it has an <c>ensemble</c> verb (a training run's merge uses it).
    /// </summary>
    public static string Merge(ClusterPlan plan, string dir, bool ensembleVerb)
    {
        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine($"# pneumo cluster {Name(plan.Workload)}: the merge of {dir}, after every task ended well");
        s.AppendLine($"# (sbatch --dependency=afterok:ARRAY_JOB); it refuses missing or mixed-commit units with one line.");
        Header(s, plan, dir, $"pneumo-{Name(plan.Workload)}-merge", "merge-%j.log");
        Body(s, plan);
        if (plan.Workload != ClusterWorkload.Train)
        {
            s.AppendLine($"exec {plan.Launcher} cluster merge {Shell.Quote(dir)}");
            return s.ToString();
        }
        s.AppendLine($"{plan.Launcher} cluster merge {Shell.Quote(dir)}");
        var ensemble = $"{plan.Launcher} {EnsembleCommand(plan, dir)}";
        if (ensembleVerb)
        {
            s.AppendLine($"exec {ensemble}");
            return s.ToString();
        }
        s.AppendLine("# The pneumo that wrote this script has no 'ensemble' verb: the members are checked above, and the");
        s.AppendLine("# ensemble is left to a pneumo that has one, with this command:");
        s.AppendLine($"#   {ensemble}");
        s.AppendLine($"echo {Shell.Quote($"error: this pneumo has no ensemble verb (pneumo ensemble): the members are finished and checked; make their ensemble with a pneumo that has it: pneumo {EnsembleCommand(plan, dir)}")} >&2");
        s.AppendLine("exit 2");
        return s.ToString();
    }

    /// <summary>The ensemble of a training run's members: <c>ensemble --member DIR/seed-1 ... --out DIR/ensemble</c>.</summary>
    public static string EnsembleCommand(ClusterPlan plan, string dir) =>
        "ensemble " + string.Join(' ', plan.Units.Select(u => "--member " + Shell.Quote(Path.Combine(dir, u))))
                    + " --out " + Shell.Quote(Path.Combine(dir, FileNames.Ensemble));

    /// <summary>The workload's name on the command line: cv, train, predict.</summary>
    public static string Name(ClusterWorkload workload) => workload.ToString().ToLowerInvariant();

    private static void Header(StringBuilder s, ClusterPlan plan, string dir, string jobName, string log)
    {
        var r = plan.Resources;
        s.AppendLine($"#SBATCH --job-name={jobName}");
        s.AppendLine($"#SBATCH --cpus-per-task={r.CpusPerTask}");
        if (r.Partition is not null) s.AppendLine($"#SBATCH --partition={r.Partition}");
        if (r.Time is not null) s.AppendLine($"#SBATCH --time={r.Time}");
        if (r.Memory is not null) s.AppendLine($"#SBATCH --mem={r.Memory}");
        s.AppendLine($"#SBATCH --output={Path.Combine(dir, FileNames.ClusterLogs, log)}");
        s.AppendLine($"#SBATCH --chdir={plan.WorkingDirectory}");
        foreach (var extra in r.SbatchArguments) s.AppendLine($"#SBATCH {extra}");
    }

    private static void Body(StringBuilder s, ClusterPlan plan)
    {
        s.AppendLine("set -euo pipefail");
        foreach (var line in plan.Resources.Prologue) s.AppendLine(line);
    }
}
