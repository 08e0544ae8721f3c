using System.Diagnostics;
using System.Globalization;
using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training.Callbacks;

namespace Pneumo.Workflows;

/// <summary>
/// The whole protocol in one folder, stage by stage: data summary; every built-in architecture trained under the 80/20
/// patient-grouped hold-out and evaluated on the test set; optionally a finding model (bacterial or viral); a magnitude
/// pruning sweep of SZANet; optionally K-fold cross-validation of SZANet and the frozen-base transfer model; the report
/// over all of it.
/// </summary>
/// <remarks>
/// Each stage calls the code of its command (<see cref="TrainingRun"/>, <see cref="ModelEvaluation"/>,
/// <see cref="PruningRun"/>, <see cref="CrossValidationRun"/>, the reporting layer's study report, through <see cref="IReportWriter"/>) and is finished when its output
/// marker exists, so a rerun skips it; an interrupted training, sweep or cross-validation continues where it stopped. The
/// report is rewritten whenever another stage did work in the same run. Files: <c>study.json</c>, <c>data/</c>,
/// <c>runs/ARCH/</c> (model directories with <c>test/</c>), <c>pruning/</c>, <c>cv/ARCH/</c>, <c>report/</c>.
/// </remarks>
public sealed class StudyRun
{
    /// <summary>The architectures trained under the hold-out, in order; fine-tuning starts from the frozen-base model.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["szanet", "resnet18-frozen", "resnet18-finetune"];
    /// <summary>The paper's two models, cross-validated with <see cref="StudyOptions.CrossValidation"/>.</summary>
    public static readonly IReadOnlyList<string> CrossValidated = ["szanet", "resnet18-frozen"];
    private const string FineTuned = "resnet18-finetune", FineTuneFrom = "resnet18-frozen", Pruned = "szanet";
    /// <summary>
    /// With <see cref="StudyOptions.Findings"/>: the architecture trained for the finding task (a frozen ImageNet base, as
    /// Kermany et al.'s own transfer model), and its run folder's name under <c>runs/</c>.
    /// </summary>
    public const string FindingArchitecture = "resnet18-frozen", FindingRun = FindingArchitecture + "-finding";

    /// <summary>A stage; <c>Run</c> returns its key figures (one line, e.g. the test accuracy and AUC), or null.</summary>
    private sealed record Stage(string Name, string Output, Func<bool> Finished, Func<string?> Run);

    private readonly StudyOptions options;
    private readonly string dataRoot, outDir, command;
    private readonly IReadOnlyList<Callback> callbacks;
    private readonly Action<string> log;
    private readonly IReportWriter reports;
    private readonly CancellationToken cancel;
    private readonly IProgress<WorkProgress>? progress;
    private StudyRecord record;
    private bool workDone;

    private StudyRun(StudyOptions options, string dataRoot, string outDir, string command, IReadOnlyList<Callback> callbacks,
                     Action<string> log, IReportWriter reports, CancellationToken cancel, StudyRecord record, IProgress<WorkProgress>? progress)
    {
        (this.options, this.dataRoot, this.outDir, this.command, this.callbacks, this.log, this.reports, this.cancel, this.record, this.progress) =
            (options, dataRoot, outDir, command, callbacks, log, reports, cancel, record, progress);
    }

    /// <summary>
    /// Runs (or continues) the study in <paramref name="outDir"/>. <paramref name="log"/> hears each stage's start, end and
    /// key figures; <paramref name="progress"/> the stages done and the decoding, scoring and steps within them (training
    /// is heard through <paramref name="callbacks"/>).
    /// </summary>
    /// <exception cref="UserError">An invalid option; the message names it.</exception>
    /// <exception cref="UserError">The folder holds a study with other options or another data root.</exception>
    public static StudyRecord Execute(StudyOptions options, string dataRoot, string outDir, string command, IReportWriter reports,
                                      IReadOnlyList<Callback>? callbacks = null, Action<string>? log = null, CancellationToken cancel = default,
                                      IProgress<WorkProgress>? progress = null)
    {
        if (options.Validate() is { } problem) throw new UserError(problem);
        dataRoot = Path.GetFullPath(dataRoot);
        var existing = Existing(outDir, options, dataRoot);
        // Cross-validation and the finding model once added stay part of the study, so the report keeps covering them.
        if (existing?.Options.CrossValidation == true) options = options with { CrossValidation = true };
        if (existing?.Options.Findings == true) options = options with { Findings = true };
        var record = (existing ?? new StudyRecord { DataRoot = dataRoot, Seed = options.Seed, Options = options }) with { Options = options };
        record.Invocations.Add(Provenance.Capture(command));
        return new StudyRun(options, dataRoot, outDir, command, callbacks ?? [], log ?? (_ => { }), reports, cancel, record, progress).Run();
    }

    /// <summary>The run folder (a model directory once trained) of <paramref name="architecture"/>.</summary>
    public static string RunDirectory(string outDir, string architecture) => Path.Combine(outDir, FileNames.StudyRuns, architecture);

    private static StudyRecord? Existing(string outDir, StudyOptions options, string dataRoot)
    {
        var path = Path.Combine(outDir, FileNames.Study);
        if (!File.Exists(path)) return null;
        var existing = Json.Read<StudyRecord>(path);
        if (existing.DataRoot != dataRoot)
            throw new UserError($"{outDir}: holds a study of {existing.DataRoot}, not {dataRoot}; use another --out");
        if (Json.Serialize(existing.Options.Comparable()) != Json.Serialize(options.Comparable()))
            throw new UserError($"{outDir}: holds a study with other options (see {path}); use the same options to continue it, or another --out");
        return existing;
    }

    private StudyRecord Run()
    {
        Directory.CreateDirectory(outDir);
        TorchThreads.Use(options.Threads);
        var plan = Plan();
        var stages = plan.Select(s => record.Stages.FirstOrDefault(r => r.Name == s.Name) ?? new StageRecord(s.Name, s.Output)).ToList();
        record.Stages.Clear();
        record.Stages.AddRange(stages);
        Save();
        for (int i = 0; i < plan.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(new WorkProgress(StagesStep, i, plan.Count, plan[i].Name));
            RunStage(plan[i], i, $"stage {i + 1}/{plan.Count} {plan[i].Name}");
        }
        progress?.Report(new WorkProgress(StagesStep, plan.Count, plan.Count));
        record = record with
        {
            Complete = record.Stages.All(s => s.Status == StageStatus.Finished), Seconds = Math.Round(record.Stages.Sum(s => s.Seconds ?? 0), 1),
        };
        Save();
        return record;
    }

    private void RunStage(Stage stage, int index, string label)
    {
        var previous = record.Stages[index];
        if (stage.Finished())
        {
            log($"{label}: already finished ({stage.Output})");
            if (previous.Status != StageStatus.Finished) Update(index, previous with { Status = StageStatus.Finished, Error = null });
            return;
        }
        log($"{label}: start");
        double before = previous.Status == StageStatus.Finished ? 0 : previous.Seconds ?? 0;
        Update(index, previous with { Status = StageStatus.Running, StartedUtc = Now(), FinishedUtc = null, Error = null });
        var clock = Stopwatch.StartNew();
        string? figures;
        try
        {
            figures = stage.Run();
        }
        catch (Exception e)
        {
            Update(index, record.Stages[index] with
            {
                Status = StageStatus.Failed, Seconds = Math.Round(before + clock.Elapsed.TotalSeconds, 1),
                Error = e is OperationCanceledException ? "cancelled" : e.Message,
            });
            log($"{label}: failed after {clock.Elapsed.TotalSeconds:F0} s");
            throw;
        }
        workDone = true;
        Update(index, record.Stages[index] with { Status = StageStatus.Finished, FinishedUtc = Now(), Seconds = Math.Round(before + clock.Elapsed.TotalSeconds, 1) });
        log($"{label}: finished in {clock.Elapsed.TotalSeconds:F0} s");
        if (figures is not null) log("  " + figures);
    }

    /// <summary>The name of the step counting the study's stages in progress reports.</summary>
    public const string StagesStep = "study stages";

    private List<Stage> Plan()
    {
        var stages = new List<Stage>
        {
            new("data summary", Relative(FileNames.StudyData, FileNames.StudyDataSummary), () => File.Exists(Path.Combine(outDir, FileNames.StudyData, FileNames.StudyDataSummary)),
                () => { SummariseData(); return null; }),
        };
        foreach (var arch in Architectures)
        {
            var dir = RunDirectory(outDir, arch);
            var init = arch == FineTuned ? Path.GetFullPath(RunDirectory(outDir, FineTuneFrom)) : null;
            stages.Add(new($"train {arch}", Relative(FileNames.StudyRuns, arch, FileNames.ModelMetadata), () => ModelDirectory.Exists(dir),
                           () => Trained(arch, TrainingRun.StartOrResume(options.Training(arch, init), dataRoot, dir, command, callbacks, cancel))));
            stages.Add(new($"test {arch}", Relative(FileNames.StudyRuns, arch, FileNames.Test, FileNames.Metrics),
                           () => Evaluated(dir), () => Tested(arch, Evaluate(dir))));
        }
        if (options.Findings)
        {
            var dir = RunDirectory(outDir, FindingRun);
            stages.Add(new($"train {FindingRun}", Relative(FileNames.StudyRuns, FindingRun, FileNames.ModelMetadata), () => ModelDirectory.Exists(dir),
                           () => Trained(FindingRun, TrainingRun.StartOrResume(options.Training(FindingArchitecture, task: ModelTask.Finding), dataRoot, dir,
                                                                                command, callbacks, cancel))));
            stages.Add(new($"test {FindingRun}", Relative(FileNames.StudyRuns, FindingRun, FileNames.Test, FileNames.Metrics),
                           () => Evaluated(dir), () => Tested(FindingRun, Evaluate(dir))));
        }
        stages.Add(new($"prune {Pruned}", Relative(FileNames.StudyPruning, FileNames.PruningSummary), PruningFinished, Prune));
        if (options.CrossValidation)
            foreach (var arch in CrossValidated)
            {
                var dir = Path.Combine(outDir, FileNames.StudyCrossValidation, arch);
                stages.Add(new($"cv {arch}", Relative(FileNames.StudyCrossValidation, arch, FileNames.CrossValidationSummary), () => CrossValidationFinished(dir),
                               () => CrossValidationFigures(arch, CrossValidationRun.Execute(CrossValidationRun.FoldConfig(options.Training(arch), options.Folds), options.Folds,
                                                                dataRoot, dir, null, command, callbacks, log, reports, options.BootstrapResamples, cancel, progress))));
            }
        stages.Add(new("report", Relative(FileNames.StudyReport, FileNames.ReportSummary),
                       () => !workDone && File.Exists(Path.Combine(outDir, FileNames.StudyReport, FileNames.ReportSummary)),
                       () => { Report(); return $"report: {Path.Combine(outDir, FileNames.StudyReport, FileNames.ReportSummary)}"; }));
        return stages;
    }


    private void SummariseData()
    {
        var dir = Directory.CreateDirectory(Path.Combine(outDir, FileNames.StudyData)).FullName;
        var data = DataSummary.Read(dataRoot);
        foreach (var s in data.Splits)
            log($"{s.Split}: {s.Normal + s.Pneumonia} images (NORMAL {s.Normal}, PNEUMONIA {s.Pneumonia}), {s.Patients} patients");
        reports.Data(dir, data);
        Json.Write(Path.Combine(dir, FileNames.StudyDataSummary), data);  // the marker, last
    }

    private static bool Evaluated(string modelDir) => File.Exists(Path.Combine(modelDir, FileNames.Test, FileNames.Metrics));

    /// <summary>What <c>pneumo evaluate --model DIR --out DIR/test</c> does: the folder layout <c>pneumo report</c> reads.</summary>
    private EvaluationResult Evaluate(string modelDir)
    {
        using var model = ModelDirectory.Load(modelDir);
        return ModelEvaluation.Run(model, dataRoot, "test", Path.Combine(modelDir, FileNames.Test), command, log,
                                   options.BootstrapResamples, cancel, reports, progress);
    }

    /// <summary>A trained model's validation figures at its threshold (null when the folder already held it).</summary>
    private static string? Trained(string arch, ModelMetadata? metadata) =>
        metadata?.Validation?.GetValueOrDefault(metadata.ThresholdMethod.Name) is { } v
            ? string.Create(CultureInfo.InvariantCulture, $"{arch}: best epoch {metadata.BestEpoch}, validation accuracy {v.Accuracy:F4}, AUC {v.Auc:F4}")
            : null;

    private static string Tested(string name, EvaluationResult r)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name}: test accuracy {r.Accuracy:F4}, AUC {r.Auc:F4}, sensitivity {r.Sensitivity:F4}, specificity {r.Specificity:F4}");
        return r.Findings?.BacterialVsViral is { } kinds && kinds.TryGetValue("accuracy", out var accuracy) && kinds.TryGetValue("auc", out var auc)
            ? line + string.Create(CultureInfo.InvariantCulture, $"; bacterial vs viral accuracy {accuracy.Estimate:F4}, AUC {auc.Estimate:F4}")
            : line;
    }

    private static string CrossValidationFigures(string arch, CrossValidationSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{arch}: {s.Finished.Count} folds, test accuracy {s.TestAcrossFolds["accuracy"].Mean:F4} ± {s.TestAcrossFolds["accuracy"].Sd:F4}, " +
        $"AUC {s.TestAcrossFolds["auc"].Mean:F4} ± {s.TestAcrossFolds["auc"].Sd:F4}");

    /// <summary>The sweep is complete and the pruned model it kept (if any) is evaluated on the test set, for the report.</summary>
    private bool PruningFinished()
    {
        var path = Path.Combine(outDir, FileNames.StudyPruning, FileNames.PruningSummary);
        if (!File.Exists(path)) return false;
        var summary = Json.Read<PruningSummary>(path);
        return summary.Complete && (summary.SavedModel is null || Evaluated(Path.Combine(outDir, FileNames.StudyPruning, summary.SavedModel.Directory)));
    }

    private string Prune()
    {
        var dir = Path.Combine(outDir, FileNames.StudyPruning);
        var summary = PruningRun.Execute(RunDirectory(outDir, Pruned), dataRoot, dir, options.Pruning(), command, reports, log, cancel, progress);
        if (summary.SavedModel is not { } saved) return $"pruned {Pruned}: no pruned model kept";
        return Tested(string.Create(CultureInfo.InvariantCulture, $"pruned {Pruned} ({saved.Variant} {saved.Sparsity:0.00})"),
                      Evaluate(Path.Combine(dir, saved.Directory)));
    }

    private static bool CrossValidationFinished(string dir) =>
        File.Exists(Path.Combine(dir, FileNames.CrossValidationSummary)) && Json.Read<CrossValidationSummary>(Path.Combine(dir, FileNames.CrossValidationSummary)).Complete;

    /// <summary>What <c>pneumo report --runs ...</c> does over every model, the pruned model and the cross-validations.</summary>
    private void Report()
    {
        var runs = Architectures.Select(a => RunDirectory(outDir, a)).ToList();
        if (options.Findings) runs.Add(RunDirectory(outDir, FindingRun));
        var pruning = Path.Combine(outDir, FileNames.StudyPruning, FileNames.PruningSummary);
        if (File.Exists(pruning) && Json.Read<PruningSummary>(pruning).SavedModel is { } saved)
            runs.Add(Path.Combine(outDir, FileNames.StudyPruning, saved.Directory));
        if (options.CrossValidation) runs.AddRange(CrossValidated.Select(a => Path.Combine(outDir, FileNames.StudyCrossValidation, a)));
        reports.Study(runs, dataRoot, Path.Combine(outDir, FileNames.StudyReport), command, options.BootstrapResamples, log);
    }

    private void Update(int index, StageRecord stage)
    {
        record.Stages[index] = stage;
        Save();
    }

    private void Save() => Json.Write(Path.Combine(outDir, FileNames.Study), record);

    private static string Relative(params string[] parts) => string.Join('/', parts);

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
