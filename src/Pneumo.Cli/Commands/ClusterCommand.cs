using System.ComponentModel;
using Pneumo.Cli.Cluster;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Cluster;
using Pneumo.Persistence;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo cluster</c>: the work that fans out (the folds of a cross-validation, training runs of several seeds, a
/// prediction over many files) as a Slurm job array and a merge job after it; the status of such a run, its resumption,
/// and the two commands its jobs run (<c>task</c>, <c>merge</c>). The run folder is the contract (<see cref="ClusterRun"/>).
/// </summary>
public sealed class ClusterCommand(Terminal terminal) : PneumoCommand<ClusterCommand.Settings>(terminal)
{
    public static readonly IReadOnlyList<string> Actions = ["cv", "train", "predict", "status", "resume", "merge", "task"];

    public sealed class Settings : DataSettings
    {
        [CommandArgument(0, "<ACTION>"), Description("cv, train or predict: write the jobs and submit them; status, resume or merge DIR: a submitted run; task DIR: what a job runs.")]
        public string Action { get; init; } = "";

        [CommandArgument(1, "[PATHS]"), Description("status, resume, merge, task: the run folder. predict: images and folders, as predict takes them.")]
        public string[] Paths { get; init; } = [];

        [CommandOption("--out <DIR>"), Description("cv, train, predict: the run folder (on a file system every node sees): the plan, the jobs' scripts and logs, a folder per task, the merged results.")]
        public string? Out { get; init; }

        [CommandOption("--dry-run"), Description("Write the run folder's plan and scripts and print the scripts; submit nothing (submit them by hand with the printed sbatch lines).")]
        public bool DryRun { get; init; }

        [CommandOption("--partition <NAME>"), Description("Slurm partition of every job."), HelpDefault("cluster's")]
        public string? Partition { get; init; }

        [CommandOption("--time <LIMIT>"), Description("Time limit per job, as sbatch takes it (90, 4:00:00, 1-00:00:00)."), HelpDefault("cluster's")]
        public string? Time { get; init; }

        [CommandOption("--mem <SIZE>"), Description("Memory per job, as sbatch takes it (8G, 16000M)."), HelpDefault("cluster's")]
        public string? Mem { get; init; }

        [CommandOption("--cpus <N>"), Description("CPUs per task (--cpus-per-task); also each task's torch threads."), DefaultValue(2)]
        public int Cpus { get; init; } = 2;

        [CommandOption("--max-parallel <N>"), Description("Run at most N tasks at once (--array=...%N)."), HelpDefault("no limit")]
        public int? MaxParallel { get; init; }

        [CommandOption("--sbatch-arg <ARG>"), Description("An extra #SBATCH line for every job, e.g. --sbatch-arg=--account=lab (repeat for more).")]
        public string[] SbatchArgs { get; init; } = [];

        [CommandOption("--prologue <LINE>"), Description("A shell line every job runs before pneumo, e.g. 'module load dotnet' (repeat for more).")]
        public string[] Prologue { get; init; } = [];

        [CommandOption("--pneumo <COMMAND>"), Description("How jobs start pneumo (e.g. 'apptainer exec pneumo.sif pneumo')."), HelpDefault("this pneumo")]
        public string? Pneumo { get; init; }

        [CommandOption("--folds <K>"), Description("cv: number of folds, one task each."), DefaultValue(5)]
        public int Folds { get; init; } = 5;

        [CommandOption("--arch <NAME>"), Description("cv, train: architecture (see pneumo train --help)."), HelpDefault("szanet")]
        public string? Arch { get; init; }

        [CommandOption("--epochs <N>"), Description("cv, train: maximum epochs per fold or run."), HelpDefault("30")]
        public int? Epochs { get; init; }

        [CommandOption("--limit <N>"), Description("cv, train: use at most N training images per class (quick runs).")]
        public int? Limit { get; init; }

        [CommandOption(CommonOptions.Seed), Description("cv: " + CommonOptions.SeedHelp), DefaultValue(CommonOptions.DefaultSeed)]
        public int Seed { get; init; } = CommonOptions.DefaultSeed;

        [CommandOption("--bootstrap <N>"), Description("cv: bootstrap resamples of the merged result's 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        [CommandOption("--seeds <S,S,...>"), Description("train: one training run per seed (seed-S), then their ensemble.")]
        public string? Seeds { get; init; }

        [CommandOption("--recipe <OPTIONS>"), Description("train: pneumo train options of one recipe, in one word after = (--recipe=\"--lr 1e-4 --schedule cosine\"); repeat for several: one run per recipe and seed.")]
        public string[] Recipes { get; init; } = [];

        [CommandOption("--shards <N>"), Description("predict: number of shards, one task each (a stable share of the files by a hash of the path, as predict --shard K/N)."), DefaultValue(4)]
        public int Shards { get; init; } = 4;

        [CommandOption("--list <FILE>"), Description("predict: a file listing images, one path a line, after PATHS.")]
        public string? List { get; init; }

        [CommandOption(CommonOptions.Model), Description("predict: " + CommonOptions.EnsembleHelp), HelpDefault("$PNEUMO_MODEL")]
        public string[] Models { get; init; } = [];

        [CommandOption("--max-file-mb <MB>"), Description("predict: largest image file read, as predict's."), DefaultValue(20)]
        public int MaxFileMb { get; init; } = 20;

        [CommandOption("--any-modality"), Description("predict: score DICOM files of any modality, as predict's.")]
        public bool AnyModality { get; init; }

        [CommandOption("--index <I>"), Description("task: the task to run, 1-based."), HelpDefault("$SLURM_ARRAY_TASK_ID, or $JOB_COMPLETION_INDEX + 1")]
        public int? Index { get; init; }

        public override ValidationResult Validate()
        {
            if (!Actions.Contains(Action)) return ValidationResult.Error($"unknown action '{Action}': use one of {string.Join(", ", Actions)}");
            bool submits = Action is "cv" or "train" or "predict";
            if (submits && string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error($"cluster {Action}: --out DIR is required");
            if (!submits && Paths.Length != 1) return ValidationResult.Error($"cluster {Action}: give one run folder (pneumo cluster {Action} DIR)");
            if (Action != "predict" && submits && Paths.Length > 0) return ValidationResult.Error($"cluster {Action}: takes no paths ('{Paths[0]}')");
            if (Cpus < 1) return ValidationResult.Error("--cpus must be at least 1");
            if (MaxParallel is < 1) return ValidationResult.Error("--max-parallel must be at least 1");
            if (Folds < 2) return ValidationResult.Error("--folds must be at least 2");
            if (Shards < 1) return ValidationResult.Error("--shards must be at least 1");
            if (Bootstrap < 100) return ValidationResult.Error("--bootstrap must be at least 100");
            if (MaxFileMb < 1) return ValidationResult.Error("--max-file-mb must be at least 1");
            if (Index is < 1) return ValidationResult.Error("--index must be at least 1");
            if (Action == "train" && Seeds is null) return ValidationResult.Error("cluster train: --seeds S,S,... is required");
            if (Seeds is not null && ParseSeeds(Seeds) is null) return ValidationResult.Error($"--seeds must be distinct integers separated by commas, e.g. 1,2,3 (got '{Seeds}')");
            return base.Validate();
        }

        /// <summary>The seeds of <c>--seeds</c>, or null when they are not distinct integers.</summary>
        public static List<int>? ParseSeeds(string text)
        {
            var seeds = new List<int>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
                if (int.TryParse(part, out var s) && !seeds.Contains(s)) seeds.Add(s);
                else return null;
            return seeds.Count > 0 ? seeds : null;
        }

        public ClusterResources Resources() => new()
        {
            Partition = Partition, Time = Time, Memory = Mem, CpusPerTask = Cpus, MaxParallel = MaxParallel,
            SbatchArguments = [.. SbatchArgs], Prologue = [.. Prologue],
        };
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation) => Task.FromResult(settings.Action switch
    {
        "cv" or "train" or "predict" => Submit(settings),
        "status" => Status(Path.GetFullPath(settings.Paths[0])),
        "resume" => Resume(Path.GetFullPath(settings.Paths[0])),
        "merge" => ClusterJobs.Merge(Path.GetFullPath(settings.Paths[0]), CommandLine(), Line, Warning),
        _ => ClusterJobs.Task(Path.GetFullPath(settings.Paths[0]), TaskIndex(settings), CommandLine(), Terminal, Line, cancellation),
    });

    private int Submit(Settings settings)
    {
        var dir = Path.GetFullPath(settings.Out!);
        var plan = ClusterPlans.Prepare(settings, dir, Launcher(settings), CommandLine(), Line);
        if (settings.DryRun)
        {
            Terminal.Verbatim($"# {ClusterRun.TaskScript(dir)}");
            Terminal.Verbatim(File.ReadAllText(ClusterRun.TaskScript(dir)));
            Terminal.Verbatim($"# {ClusterRun.MergeScript(dir)}");
            Terminal.Verbatim(File.ReadAllText(ClusterRun.MergeScript(dir)));
            Line($"dry run: nothing submitted. By hand: sbatch {ClusterRun.TaskScript(dir)} (prints JOB), then " +
                 $"sbatch --dependency=afterok:JOB {ClusterRun.MergeScript(dir)}");
            return ExitCodes.Success;
        }
        using var folderLock = RunFolderLock.Acquire(dir);
        var submission = ClusterRun.Submit(dir, SlurmClient.Default);
        Line($"submitted {plan.Units.Count} tasks ({plan.Units[0]} ... {plan.Units[^1]}) as array job {submission.ArrayJob}, " +
             $"and the merge as job {submission.MergeJob} after them; follow with: pneumo cluster status {dir}");
        return ExitCodes.Success;
    }

    private int Status(string dir)
    {
        var slurm = SlurmClient.Default;
        bool installed = slurm.Installed;
        var status = ClusterStatus.Read(dir, installed ? slurm : null);
        Line($"{dir}: cluster {SlurmScripts.Name(status.Plan.Workload)}, {status.Plan.Units.Count} tasks, submitted {status.Plan.Submissions.Count} time(s)" +
             (installed ? "" : " (Slurm's commands are not installed here: from the run folder only)"));
        var table = new ConsoleTable("unit", "state", "job", "detail");
        foreach (var u in status.Units.Append(status.Merge))
            table.AddRow(u.Unit, StateName(u.State), u.Job ?? "", u.Detail);
        table.Write(Console);
        foreach (var u in status.Units.Append(status.Merge).Where(u => u.State is UnitState.Failed or UnitState.Killed or UnitState.Lost && u.Log is not null))
            Line($"{u.Unit}: log {u.Log}");
        if (status.Done) Line($"done: merged results in {dir}");
        else if (status.ToResubmit.Count > 0)
            Line($"to resume: pneumo cluster resume {dir} (submits {string.Join(", ", status.ToResubmit.Select(u => u.Unit))} again, alone; " +
                 "each continues from its last checkpoint; then the merge)");
        else if (status.Merge.State is not (UnitState.Pending or UnitState.Running))
            Line($"every unit finished; merge with: pneumo cluster resume {dir} (submits the merge) or pneumo cluster merge {dir} (here)");
        return ExitCodes.Success;
    }

    private int Resume(string dir)
    {
        using var folderLock = RunFolderLock.Acquire(dir);
        var submission = ClusterRun.Resume(dir, SlurmClient.Default);
        if (submission is null)
        {
            Line($"{dir}: nothing to submit (done, or every unit and the merge still queued); see pneumo cluster status {dir}");
            return ExitCodes.Success;
        }
        var plan = ClusterRun.Load(dir);
        Line(submission.Indices.Count == 0
            ? $"submitted the merge as job {submission.MergeJob}"
            : $"submitted {string.Join(", ", submission.Indices.Select(i => plan.Units[i - 1]))} as array job {submission.ArrayJob}, and the merge as job {submission.MergeJob} after them");
        return ExitCodes.Success;
    }

    /// <summary>The task to run: --index, else Slurm's array index, else a Kubernetes Indexed Job's completion index + 1.</summary>
    private static int TaskIndex(Settings settings)
    {
        if (settings.Index is int i) return i;
        if (int.TryParse(Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"), out var slurm)) return slurm;
        if (int.TryParse(Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX"), out var k8s)) return k8s + 1;
        throw new UserError("cluster task: --index I is required outside a Slurm array or Kubernetes Indexed Job");
    }

    /// <summary>The shell words jobs start pneumo with: --pneumo, else this very program (dotnet and its pneumo.dll).</summary>
    private static string Launcher(Settings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.Pneumo)) return settings.Pneumo.Trim();
        var dll = typeof(ClusterCommand).Assembly.Location;
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" || process.EndsWith("testhost", StringComparison.Ordinal)
            ? Shell.Join(["dotnet", dll])
            : Shell.Quote(process);
    }

    private static string StateName(UnitState state) => state switch
    {
        UnitState.NotSubmitted => "not submitted",
        _ => state.ToString().ToLowerInvariant(),
    };
}
