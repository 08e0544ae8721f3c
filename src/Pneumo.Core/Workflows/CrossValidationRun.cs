using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;

namespace Pneumo.Workflows;

/// <summary>What a cross-validation folder was started with; a rerun with other settings is refused.</summary>
public sealed record CrossValidationSettings(TrainingConfig Config, int Folds, string DataRoot);

/// <summary>
/// K-fold cross-validation over the training set in a folder: per fold a training run (<c>fold-K/</c>, a model
/// directory) on the other folds, validated on its fold, and evaluated on the official test set (<c>fold-K/test/</c>);
/// then <c>cv.json</c> (and its tables, <c>cv.md</c>) over the finished folds, the pooled out-of-fold validation predictions and the fold ensemble's
/// test predictions.
/// </summary>
/// <remarks>
/// Folds are <see cref="CrossValidationFolds"/> of the training set (or its <see cref="TrainingConfig.LimitPerClass"/>
/// subset) with the configuration's seed and split unit. A finished fold is never redone, an interrupted one is resumed,
/// so folds can run as separate jobs (<c>onlyFold</c>) and any later call merges them.
/// </remarks>
public static class CrossValidationRun
{
    /// <summary>The run folder of fold <paramref name="fold"/> (0-based): <c>fold-1</c>, <c>fold-2</c>, ...</summary>
    public static string FoldDirectory(string outDir, int fold) => Path.Combine(outDir, FileNames.Fold(fold));

    /// <summary>
    /// Runs the missing folds (or only <paramref name="onlyFold"/>, 0-based), then summarises every finished fold;
    /// <paramref name="progress"/> hears the folds done and each fold's test evaluation (training is heard through <paramref name="callbacks"/>).
    /// </summary>
    /// <exception cref="UserError">The folder holds a cross-validation with other settings.</exception>
    public static CrossValidationSummary Execute(TrainingConfig config, int folds, string dataRoot, string outDir, int? onlyFold,
                                                 string command, IReadOnlyList<Callback> callbacks, Action<string> log, IReportWriter reports,
                                                 int resamples = Bootstrap.DefaultResamples, CancellationToken cancel = default,
                                                 IProgress<WorkProgress>? progress = null)
    {
        if (onlyFold is int f && (f < 0 || f >= folds)) throw new UserError($"--fold must be between 1 and {folds}");
        var settings = new CrossValidationSettings(config, folds, Path.GetFullPath(dataRoot));
        CheckSettings(outDir, settings);
        IReadOnlyList<ImageRecord> records = ChestXrayDataset.Load(dataRoot, "train");
        if (config.LimitPerClass is int limit) records = TrainingData.Subsample(records, limit, config.Seed);
        var cv = CrossValidationFolds.Create(records, folds, config.Seed, config.SplitBy);
        var run = onlyFold is int only ? [only] : Enumerable.Range(0, folds).ToArray();
        var done = WorkProgress.Counter(progress, FoldsStep, run.Length);
        for (int i = 0; i < run.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            RunFold(cv, run[i], settings, outDir, command, callbacks, log, reports, resamples, cancel, progress);
            done?.Report(i + 1);
        }
        return WriteSummary(outDir, settings, resamples, command, reports);
    }

    /// <summary>
    /// Records the settings of a cross-validation in <paramref name="outDir"/> (<c>cv-settings.json</c>) before any
    /// fold runs, as <see cref="Execute"/> does, so that folds started as separate jobs only read them.
    /// </summary>
    /// <exception cref="UserError">The folder holds a cross-validation with other settings.</exception>
    public static CrossValidationSettings Prepare(TrainingConfig config, int folds, string dataRoot, string outDir)
    {
        var settings = new CrossValidationSettings(config, folds, Path.GetFullPath(dataRoot));
        CheckSettings(outDir, settings);
        return settings;
    }

    /// <summary>
    /// Runs fold <paramref name="fold"/> (0-based) of the cross-validation recorded in <paramref name="outDir"/>
    /// (<see cref="Prepare"/>) and writes nothing outside its folder <c>fold-K/</c>: no summary (a job per fold).
    /// <paramref name="threads"/> are the torch threads of this process (an execution setting, not part of the experiment).
    /// </summary>
    /// <exception cref="UserError">The folder holds no cross-validation settings, or the fold is out of range.</exception>
    public static void ExecuteFold(string outDir, int fold, int threads, string command, IReadOnlyList<Callback> callbacks,
                                   Action<string> log, IReportWriter reports, int resamples = Bootstrap.DefaultResamples, CancellationToken cancel = default)
    {
        var path = Path.Combine(outDir, FileNames.CrossValidationSettings);
        if (!File.Exists(path)) throw new UserError($"{outDir}: no {FileNames.CrossValidationSettings}: not a prepared cross-validation");
        var recorded = Json.Read<CrossValidationSettings>(path);
        if (fold < 0 || fold >= recorded.Folds) throw new UserError($"fold {fold + 1}: the cross-validation in {outDir} has {recorded.Folds} folds");
        var settings = recorded with { Config = recorded.Config with { Threads = threads } };
        IReadOnlyList<ImageRecord> records = ChestXrayDataset.Load(settings.DataRoot, "train");
        if (settings.Config.LimitPerClass is int limit) records = TrainingData.Subsample(records, limit, settings.Config.Seed);
        var cv = CrossValidationFolds.Create(records, settings.Folds, settings.Config.Seed, settings.Config.SplitBy);
        RunFold(cv, fold, settings, outDir, command, callbacks, log, reports, resamples, cancel);
    }

    /// <summary>
    /// The end of every cross-validation: summarises the finished folds (<see cref="Summarize"/>), writes <c>cv.json</c>
    /// and asks for its tables and figures.
    /// </summary>
    public static CrossValidationSummary WriteSummary(string outDir, CrossValidationSettings settings, int resamples, string command, IReportWriter reports)
    {
        var summary = Summarize(outDir, settings, resamples, command);
        Json.Write(Path.Combine(outDir, FileNames.CrossValidationSummary), summary);
        reports.CrossValidation(outDir, summary);
        return summary;
    }

    /// <summary>
    /// The training configuration of every fold: <paramref name="config"/> with the validation fraction a fold is
    /// (1/K, recorded; the folds themselves decide the split).
    /// </summary>
    public static TrainingConfig FoldConfig(TrainingConfig config, int folds) => config with { ValidationFraction = 1.0 / Math.Max(folds, 2) };

    private static void CheckSettings(string outDir, CrossValidationSettings settings)
    {
        var path = Path.Combine(outDir, FileNames.CrossValidationSettings);
        if (File.Exists(path))
        {
            var existing = Json.Read<CrossValidationSettings>(path);
            var comparable = existing with { Config = existing.Config with { Threads = settings.Config.Threads } };
            if (Json.Serialize(comparable) != Json.Serialize(settings))
                throw new UserError($"{outDir}: holds a cross-validation with other settings (see {path}); use another --out");
            return;
        }
        Json.Write(path, settings);
    }

    /// <summary>The name of the step counting finished folds in progress reports.</summary>
    public const string FoldsStep = "folds";

    private static void RunFold(CrossValidationFolds cv, int k, CrossValidationSettings settings, string outDir, string command,
                                IReadOnlyList<Callback> callbacks, Action<string> log, IReportWriter reports, int resamples, CancellationToken cancel,
                                IProgress<WorkProgress>? progress = null)
    {
        var dir = FoldDirectory(outDir, k);
        var name = $"fold {k + 1} of {cv.Count}";
        if (!ModelDirectory.Exists(dir))
        {
            log(File.Exists(Path.Combine(dir, FileNames.Run)) ? $"{name}: resuming {dir}" : $"{name}: training in {dir}");
            TrainingRun.StartOrResume(settings.Config, settings.DataRoot, dir, command, callbacks, cancel, cv.Split(k),
                                      $"{name}, seed {settings.Config.Seed}, by {settings.Config.SplitBy.ToString().ToLowerInvariant()}");
        }
        var testDir = Path.Combine(dir, FileNames.Test);
        if (File.Exists(Path.Combine(testDir, FileNames.Metrics))) return;
        // Folds may run as separate jobs: a second job on this fold stops here instead of writing test/ beside this one.
        using var folderLock = RunFolderLock.Acquire(dir);
        if (File.Exists(Path.Combine(testDir, FileNames.Metrics))) return;
        log($"{name}: evaluating on the test set");
        using var model = ModelDirectory.Load(dir);
        ModelEvaluation.Run(model, settings.DataRoot, "test", testDir, command, log, resamples, cancel, reports, progress);
    }

    /// <summary>Summarises the finished folds in <paramref name="outDir"/> and writes the pooled and ensemble predictions.</summary>
    public static CrossValidationSummary Summarize(string outDir, CrossValidationSettings settings, int resamples, string command)
    {
        var finished = new List<FoldResult>();
        var validation = new List<Predictions>();
        var tests = new List<Predictions>();
        var thresholds = new List<double>();
        for (int k = 0; k < settings.Folds; k++)
        {
            var dir = FoldDirectory(outDir, k);
            var testPredictions = Path.Combine(dir, FileNames.Test, FileNames.Predictions);
            if (!ModelDirectory.Exists(dir) || !File.Exists(Path.Combine(dir, FileNames.Test, FileNames.Metrics))) continue;
            var metadata = Json.Read<ModelMetadata>(Path.Combine(dir, FileNames.ModelMetadata));
            var val = ResultFiles.ReadPredictions(Path.Combine(dir, FileNames.ValidationPredictions));
            var test = ResultFiles.ReadPredictions(testPredictions);
            if (tests.Count > 0 && !tests[0].Paths.SequenceEqual(test.Paths))
                throw new InvalidDataException($"{testPredictions}: not the same test images as {FoldDirectory(outDir, finished[0].Fold - 1)}");
            finished.Add(new FoldResult(k + 1, Path.GetFileName(dir), metadata.Dataset?.TrainCount ?? 0, val.Labels.Count, metadata.BestEpoch ?? 0,
                                        BinaryMetrics.Compute(val.Labels, val.Probabilities, metadata.Threshold),
                                        BinaryMetrics.Compute(test.Labels, test.Probabilities, metadata.Threshold)));
            validation.Add(val);
            tests.Add(test);
            thresholds.Add(metadata.Threshold);
        }
        Dictionary<string, MeanSd> Across(Func<FoldResult, BinaryMetrics> part) =>
            CrossValidationSummary.MetricNames.ToDictionary(n => n, n => MeanSd.Of(finished.Select(r => CrossValidationSummary.Metric(part(r), n)).ToList()));
        var summary = new CrossValidationSummary
        {
            Architecture = settings.Config.Architecture, Folds = settings.Folds, Seed = settings.Config.Seed, DataRoot = settings.DataRoot,
            Config = settings.Config, Complete = finished.Count == settings.Folds, Finished = finished,
            ValidationAcrossFolds = Across(r => r.Validation), TestAcrossFolds = Across(r => r.Test),
            BootstrapResamples = resamples, Provenance = Provenance.Capture(command),
        };
        if (finished.Count == 0) return summary;

        var pooled = Concatenate(validation);
        pooled.WriteCsv(Path.Combine(Directory.CreateDirectory(Path.Combine(outDir, FileNames.OutOfFold)).FullName, FileNames.Predictions));
        var ensemble = new Predictions(tests[0].Paths, tests[0].Labels,
                                       Enumerable.Range(0, tests[0].Labels.Count).Select(i => tests.Average(t => t.Probabilities[i])).ToList());
        ensemble.WriteCsv(Path.Combine(Directory.CreateDirectory(Path.Combine(outDir, FileNames.Ensemble)).FullName, FileNames.Predictions));
        double threshold = thresholds.Average();
        return summary with
        {
            OutOfFoldAuc = Bootstrap.Statistic(pooled.Labels, pooled.Probabilities, (l, s) => RocCurve.Compute(l, s).Auc, resamples),
            OutOfFoldCount = pooled.Labels.Count,
            Ensemble = BinaryMetrics.Compute(ensemble.Labels, ensemble.Probabilities, threshold),
            EnsembleIntervals = Bootstrap.HeadlineMetrics(ensemble.Labels, ensemble.Probabilities, threshold, resamples),
        };
    }

    private static Predictions Concatenate(IReadOnlyList<Predictions> parts) =>
        new(parts.SelectMany(p => p.Paths).ToList(), parts.SelectMany(p => p.Labels).ToList(), parts.SelectMany(p => p.Probabilities).ToList());
}
