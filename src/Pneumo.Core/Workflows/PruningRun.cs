using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Runtime;
using Pneumo.Training;

namespace Pneumo.Workflows;

/// <summary>
/// A pruning sweep in an output folder: runs every step of <see cref="PruningSettings.Plan"/> and rewrites the results
/// after each one, so an interrupted sweep loses at most the step it was in and the same command continues it.
/// </summary>
/// <remarks>
/// Files: <c>summary.json</c> (settings, dense baseline, rows, choices, saved model, provenance), <c>pruning.csv</c>,
/// <c>pruning.md</c>, <c>pruning.png</c>, <c>predictions/VARIANT-SPARSITY-{validation,test}.csv</c>, and
/// <c>model-VARIANT-SPARSITY/</c>: the row of highest validation score so far, as a model directory.
/// </remarks>
public static class PruningRun
{
    /// <summary>
    /// Runs (or continues) a sweep of the model in <paramref name="modelDir"/>, writing into <paramref name="outDir"/>;
    /// <paramref name="progress"/> hears the decoding and the sweep's steps.
    /// </summary>
    /// <exception cref="UserError"><paramref name="outDir"/> holds a sweep of another model or with other settings.</exception>
    public static PruningSummary Execute(string modelDir, string dataRoot, string outDir, PruningSettings settings, string command,
                                         IReportWriter reports, Action<string>? log = null, CancellationToken cancel = default,
                                         IProgress<WorkProgress>? progress = null)
    {
        log ??= _ => { };
        var clock = Stopwatch.StartNew();
        TorchThreads.Use(settings.Threads);
        using var dense = ModelDirectory.Load(modelDir);
        if (dense.IsEnsemble)
            throw new UserError($"{modelDir}: an ensemble ({dense.Metadata.Architecture}) has no weights of its own to prune; prune its members, then build a new ensemble of them");
        if (!ThresholdSelector.NeedsOnlyValidation(dense.Metadata.ThresholdMethod))
            throw new UserError($"{modelDir}: its threshold rule ({dense.Metadata.ThresholdMethod.Name}) needs validation passes under " +
                                "the perturbation battery for every pruned model, which pruning does not run; prune a model trained with --threshold-rule youden or default");
        var densePath = Path.TrimEndingDirectorySeparator(dense.Path);  // models/szanet/ and models/szanet are one model
        var summary = Existing(outDir, densePath, settings, log);
        if (summary is { Complete: true })
        {
            log($"{outDir}: the sweep is already complete; reports rewritten");
            reports.Pruning(outDir, summary);
            return summary;
        }

        log($"decoding the training set of {dense.Path} from {Path.GetFullPath(dataRoot)}");
        var data = TrainingData.ForModel(dense.Metadata, dense.Path, dataRoot, ModelSplit.DecodingProgress(progress), cancel: cancel);
        foreach (var f in data.Skipped) log($"skipped: {f.Message}");
        var test = LoadTest(dataRoot, data.Cache, log, cancel, progress);
        log($"validation: {data.Split.Validation.Count} images (the model's own validation part); test: {test.Count}; " +
            $"retraining on {data.Split.Train.Count}");

        summary ??= new PruningSummary
        {
            FormatVersion = PruningSummary.CurrentFormatVersion,
            Model = densePath, Architecture = dense.Metadata.Architecture, DataRoot = Path.GetFullPath(dataRoot), Settings = settings,
            Threshold = dense.Metadata.Threshold, ThresholdMethod = dense.Metadata.ThresholdMethod.Name,
            DenseWeightsBytes = new FileInfo(Path.Combine(dense.Path, dense.Metadata.Weights!)).Length,
            Provenance = Provenance.Capture(command),
        };
        double before = summary.Seconds;
        using var sweep = new PruningSweep(dense, data, test, settings, log);
        if (summary.Dense is null)
        {
            var outcome = sweep.EvaluateDense(cancel);
            WritePredictions(outDir, outcome);
            summary = summary with { Dense = outcome.Row, Seconds = before + clock.Elapsed.TotalSeconds };
            Save(outDir, summary, reports);
        }

        var done = summary.Rows.Select(r => r.Key).ToHashSet();
        var plan = settings.Plan();
        var steps = WorkProgress.Counter(progress, SweepStep, plan.Count);
        steps?.Report(done.Count);
        foreach (var step in plan.Where(s => !done.Contains(s.Key)))
        {
            cancel.ThrowIfCancellationRequested();
            var outcome = sweep.Run(step, cancel);
            WritePredictions(outDir, outcome);
            var rows = InTableOrder(summary.Rows.Append(outcome.Row), settings);
            var saved = summary.SavedModel;
            if (PruningChoice.Best(rows)!.Key == outcome.Row.Key)
                saved = SaveModel(outDir, dense, sweep.Model, outcome, step, settings, summary);
            summary = summary with
            {
                Rows = rows, Choices = PruningChoice.For(summary.Dense!, rows, settings.Tolerance), SavedModel = saved,
                Seconds = before + clock.Elapsed.TotalSeconds,
            };
            Save(outDir, summary, reports);
            steps?.Report(summary.Rows.Count);
        }
        summary = summary with { Complete = true, Seconds = before + clock.Elapsed.TotalSeconds };
        Save(outDir, summary, reports);
        return summary;
    }

    /// <summary>The partial sweep in <paramref name="outDir"/> to continue, or null; refuses one of another model or settings.</summary>
    private static PruningSummary? Existing(string outDir, string densePath, PruningSettings settings, Action<string> log)
    {
        var path = Path.Combine(outDir, FileNames.PruningSummary);
        if (!File.Exists(path)) return null;
        var summary = Json.Read<PruningSummary>(path);
        if (summary.FormatVersion != PruningSummary.CurrentFormatVersion)
            throw new UserError($"{path}: a sweep of format {summary.FormatVersion} (every row at the dense model's threshold), " +
                                                $"not {PruningSummary.CurrentFormatVersion} (every row at its own validation threshold); " +
                                                "remove it and its reports, or use another --out");
        if (summary.Model != densePath)
            throw new UserError($"{outDir}: holds a pruning sweep of {summary.Model}, not {densePath}; use another --out");
        if (Json.Serialize(summary.Settings with { Threads = 0 }) != Json.Serialize(settings with { Threads = 0 }))
            throw new UserError($"{outDir}: holds a pruning sweep with other settings (see its {FileNames.PruningSummary}); use the same options to continue it, or another --out");
        RemoveStaleModels(outDir, summary);
        if (!summary.Complete) log($"continuing the sweep in {outDir}: {summary.Rows.Count} of {settings.Plan().Count} steps done");
        return summary;
    }

    /// <summary>The name of the sweep's step (one pruning step: prune, retrain, evaluate) in progress reports.</summary>
    public const string SweepStep = "pruning steps";

    private static List<ImageRecord> LoadTest(string dataRoot, ImageCache cache, Action<string> log, CancellationToken cancel, IProgress<WorkProgress>? progress)
    {
        var records = ChestXrayDataset.Load(dataRoot, "test");
        var failures = cache.Preload(records, WorkProgress.Counter(progress, "decoding test", records.Count), cancel);
        foreach (var f in failures) log($"skipped: {f.Message}");
        var usable = records.Where(r => !failures.Any(f => f.Message.StartsWith(r.FullPath + ":", StringComparison.Ordinal))).ToList();
        if (usable.Count == 0) throw new DataException($"{Path.Combine(dataRoot, "test")}: no readable images");
        return usable;
    }

    private static SavedPrunedModel SaveModel(string outDir, ModelDirectory dense, Models.ClassifierModel model, PruningOutcome outcome,
                                              PruningStep step, PruningSettings settings, PruningSummary summary)
    {
        var row = outcome.Row;
        var name = FileNames.PrunedModelPrefix + PredictionsName(row);
        var dir = Path.Combine(outDir, name);
        var validation = outcome.Validation;
        // The pruned model is a new model: every threshold rule the dense model carries is re-run on its own validation predictions.
        var own = dense.Metadata.ThresholdMethod.Name;
        var thresholds = dense.Metadata.Thresholds.Keys.Append(own).Distinct()
            .Where(m => ThresholdRule.TryParse(m, out var rule) && ThresholdSelector.NeedsOnlyValidation(rule))
            .ToDictionary(m => m, m => m == own ? row.Threshold
                                                : ThresholdSelector.Choose(ThresholdRule.Parse(m, "thresholds"), validation.Labels, validation.Probabilities));
        var metadata = dense.Metadata with
        {
            Threshold = row.Threshold,
            Thresholds = thresholds,
            Validation = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(validation.Labels, validation.Probabilities, t.Value)),
            BestEpoch = row.RetrainBestEpoch,
            Provenance = summary.Provenance,
            Pruning = new PruningInfo(step.Variant.Method, settings.Scope, step.Sparsity, outcome.Sparsity.Sparsity,
                                      outcome.Sparsity.ParameterSparsity, outcome.Sparsity.Tensors.ToDictionary(t => t.Name, t => t.Sparsity),
                                      step.Variant.Retrained ? settings.RetrainEpochs : 0, settings.Seed, summary.Model)
            {
                SourceThreshold = dense.Metadata.Threshold,
            },
        };
        ModelDirectory.Save(dir, model, metadata);
        validation.WriteCsv(Path.Combine(dir, FileNames.ValidationPredictions));
        long zip = CompressedSize.OfFile(Path.Combine(dir, metadata.Weights!));
        return new SavedPrunedModel(name, row.Variant, row.Sparsity, row.MeasuredSparsity, zip, summary.Dense!.ZipBytes, row.Threshold);
    }

    /// <summary>Writes summary.json (the commit point of a step), then the reports, then removes a superseded model.</summary>
    private static void Save(string outDir, PruningSummary summary, IReportWriter reports)
    {
        Json.Write(Path.Combine(outDir, FileNames.PruningSummary), summary);
        reports.Pruning(outDir, summary);
        RemoveStaleModels(outDir, summary);
    }

    /// <summary>Model folders that summary.json does not name: superseded, or left half-written by an interruption.</summary>
    private static void RemoveStaleModels(string outDir, PruningSummary summary)
    {
        if (!Directory.Exists(outDir)) return;
        foreach (var dir in Directory.GetDirectories(outDir, FileNames.PrunedModelPrefix + "*"))
            if (Path.GetFileName(dir) != summary.SavedModel?.Directory) Directory.Delete(dir, recursive: true);
    }

    private static void WritePredictions(string outDir, PruningOutcome outcome)
    {
        var name = PredictionsName(outcome.Row);
        outcome.Validation.WriteCsv(Path.Combine(outDir, FileNames.PruningPredictions, $"{name}-validation.csv"));
        outcome.Test.WriteCsv(Path.Combine(outDir, FileNames.PruningPredictions, $"{name}-test.csv"));
    }

    private static List<PruningRow> InTableOrder(IEnumerable<PruningRow> rows, PruningSettings settings)
    {
        var order = settings.Variants().Select(v => v.Name).ToList();
        return rows.OrderBy(r => order.IndexOf(r.Variant)).ThenBy(r => r.Sparsity).ToList();
    }

    private static string PredictionsName(PruningRow row) =>
        row.Variant == PruningVariant.DenseName
            ? row.Variant
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{row.Variant}-{row.Sparsity:0.00##}");
}
