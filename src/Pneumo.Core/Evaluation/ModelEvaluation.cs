using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Evaluation;

/// <summary>Evaluates a saved model on a dataset split and writes <c>metrics.json</c> and <c>predictions.csv</c>.</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Scores every image of <paramref name="split"/> (unreadable images are skipped and listed), computes the metrics at
    /// each threshold the model carries (all chosen on validation when it was trained) and writes the results.
    /// </summary>
    public static EvaluationResult Run(ModelDirectory model, string dataRoot, string split, string outDir, string command,
                                       Action<string>? log = null, int resamples = Bootstrap.DefaultResamples,
                                       CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var records = ChestXrayDataset.Load(dataRoot, split);
        var warnings = new Lock(); // decoding runs in parallel; the log takes one line at a time
        var cache = new ImageCache(new ImageDecoder(model.Metadata.Preprocessing.InputSize)
        {
            OnWarning = w => { lock (warnings) log?.Invoke($"warning: {w}"); },
        });
        var (usable, failures) = cache.LoadAll(records, cancel: cancel);
        foreach (var f in failures) log?.Invoke($"skipped: {f.Message}");
        if (usable.Count == 0) throw new DataException($"{Path.Combine(dataRoot, split)}: no readable images");
        var predictions = Predictor.For(model).Predict(new BatchLoader(usable, cache, 32), cancel);

        var thresholds = new Dictionary<string, double>(model.Metadata.Thresholds) { [model.Metadata.ThresholdMethod] = model.Metadata.Threshold };
        var all = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(predictions.Labels, predictions.Probabilities, t.Value));
        double threshold = model.Metadata.Threshold;
        var byFinding = usable.Select((r, i) => (r.Finding, Positive: predictions.Probabilities[i] >= threshold))
            .GroupBy(x => x.Finding)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new FindingResult(g.Count(), Bootstrap.Proportion(g.Select(x => x.Positive).ToList(), resamples, seed: 1)));
        var result = EvaluationResult.From(all[model.Metadata.ThresholdMethod], model.Metadata.ThresholdMethod, all, split,
                                           model.Path, model.Metadata.Architecture, model.Metadata.Seed, Path.GetFullPath(dataRoot)) with
        {
            ConfidenceIntervals = Bootstrap.HeadlineMetrics(predictions.Labels, predictions.Probabilities, threshold, resamples, seed: 0),
            BootstrapResamples = resamples,
            ExpectedCalibrationError = Calibration.Compute(predictions.Labels, predictions.Probabilities).ExpectedCalibrationError,
            ByFinding = byFinding,
            Skipped = failures.Select(f => f.Message).ToList(),
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Provenance = Provenance.Capture(command),
        };
        Directory.CreateDirectory(outDir);
        predictions.WriteCsv(Path.Combine(outDir, "predictions.csv"));
        Json.Write(Path.Combine(outDir, "metrics.json"), result);
        return result;
    }
}
