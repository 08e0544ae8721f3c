using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>Evaluates a saved model on a dataset split and writes <c>metrics.json</c> and <c>predictions.csv</c>.</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Scores every image of <paramref name="split"/> (<see cref="ModelSplit"/>: <c>validation</c> is the model's own
    /// validation part, any other name the folder ROOT/NAME; unreadable images are skipped and listed), computes the metrics at
    /// each threshold the model carries (all chosen on validation when it was trained) and writes the results.
    /// </summary>
    public static EvaluationResult Run(ModelDirectory model, string dataRoot, string split, string outDir, string command,
                                       Action<string>? log = null, int resamples = Bootstrap.DefaultResamples,
                                       CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var decoder = new ImageDecoder(model.Metadata.Preprocessing.InputSize) { OnWarning = ImageDecoder.WarningsTo(log) };
        var (records, usable, cache, failures) = ModelSplit.Load(model, dataRoot, split, decoder, log, cancel);
        string source = ModelSplit.Describe(model, dataRoot, split);
        foreach (var f in failures) log?.Invoke($"skipped: {f}");
        var flagged = new List<string>();
        (usable, flagged) = WithoutUnreliable(usable, cache, log);
        if (usable.Count == 0) throw new DataException($"{source}: no readable images");
        var predictions = Predictor.For(model).Predict(new BatchLoader(usable, cache, 32), cancel);
        (usable, predictions) = WithoutNonFinite(usable, predictions, source, failures, log);
        RequireBothClasses(usable, records, source);

        var method = model.Metadata.ThresholdMethod.Name;
        var thresholds = new Dictionary<string, double>(model.Metadata.Thresholds) { [method] = model.Metadata.Threshold };
        var all = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(predictions.Labels, predictions.Probabilities, t.Value));
        double threshold = model.Metadata.Threshold;
        var byFinding = usable.Select((r, i) => (r.Finding, Positive: predictions.Probabilities[i] >= threshold))
            .GroupBy(x => x.Finding)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new FindingResult(g.Count(), Bootstrap.Proportion(g.Select(x => x.Positive).ToList(), resamples, seed: 1)));
        var result = EvaluationResult.From(all[method], method, all, split,
                                           model.Path, model.Metadata.Architecture, model.Metadata.Seed, Path.GetFullPath(dataRoot)) with
        {
            HeadlineAtThresholds = thresholds.ToDictionary(
                t => t.Key, t => MetricRegistry.Compute(MetricInput.At(predictions.Labels, predictions.Probabilities, t.Value))),
            ConfidenceIntervals = Bootstrap.HeadlineMetrics(predictions.Labels, predictions.Probabilities, threshold, resamples, seed: 0),
            BootstrapResamples = resamples,
            ExpectedCalibrationError = Calibration.Compute(predictions.Labels, predictions.Probabilities).ExpectedCalibrationError,
            ByFinding = byFinding,
            Skipped = failures,
            Flagged = flagged,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Provenance = Provenance.Capture(command),
        };
        Directory.CreateDirectory(outDir);
        predictions.WriteCsv(Path.Combine(outDir, FileNames.Predictions));
        Json.Write(Path.Combine(outDir, FileNames.Metrics), result);
        return result;
    }

    /// <summary>
    /// Sets apart the images whose score would mean nothing (<see cref="ImageFlags"/>: under the minimum size, or
    /// blank or constant): listed, each with its path and reason, never counted in the metrics.
    /// </summary>
    private static (IReadOnlyList<ImageRecord>, List<string>) WithoutUnreliable(IReadOnlyList<ImageRecord> usable, ImageCache cache, Action<string>? log)
    {
        var flagged = new List<string>();
        var keep = new List<int>();
        for (int i = 0; i < usable.Count; i++)
        {
            if (ImageFlags.ForFile(usable[i].FullPath, cache.Get(usable[i])) is { } problem)
            {
                flagged.Add($"{usable[i].FullPath}: {problem}; left out of the metrics");
                log?.Invoke($"flagged: {flagged[^1]}");
            }
            else keep.Add(i);
        }
        return (keep.Count == usable.Count ? usable : usable.Subset(keep), flagged);
    }

    /// <summary>
    /// Drops images whose probability is NaN or infinite (a damaged model, never a label), reporting each like an
    /// unreadable image.
    /// </summary>
    private static (IReadOnlyList<ImageRecord>, Predictions) WithoutNonFinite(IReadOnlyList<ImageRecord> usable, Predictions predictions, string splitDir,
                                                                     List<string> failures, Action<string>? log)
    {
        var keep = Enumerable.Range(0, usable.Count).Where(i => double.IsFinite(predictions.Probabilities[i])).ToList();
        if (keep.Count == usable.Count) return (usable, predictions);
        foreach (var i in Enumerable.Range(0, usable.Count).Except(keep))
        {
            var message = $"{usable[i].FullPath}: the model gave a non-finite probability ({predictions.Probabilities[i]}), no label";
            failures.Add(message);
            log?.Invoke($"skipped: {message}");
        }
        if (keep.Count == 0) throw new DataException($"{splitDir}: the model gave no finite probability for any image: is the model damaged?");
        return (usable.Subset(keep),
                new Predictions(keep.Select(i => predictions.Paths[i]).ToList(), keep.Select(i => predictions.Labels[i]).ToList(),
                                keep.Select(i => predictions.Probabilities[i]).ToList()));
    }

    /// <summary>AUC, sensitivity and specificity need both classes: a split with no scored image of one is refused.</summary>
    private static void RequireBothClasses(IReadOnlyList<ImageRecord> usable, IReadOnlyList<ImageRecord> all, string splitDir)
    {
        foreach (var label in new[] { ClassLabel.Normal, ClassLabel.Pneumonia })
        {
            if (usable.Any(r => r.Label == label)) continue;
            int present = all.Count(r => r.Label == label);
            throw new DataException(present == 0
                ? $"{splitDir}: no {label.FolderName()} images: the metrics need both classes"
                : $"{splitDir}: none of the {present} {label.FolderName()} images could be scored: the metrics need both classes");
        }
    }
}
