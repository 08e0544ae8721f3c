using System.Diagnostics;
using Pneumo.Data;
using Pneumo.Evaluation.Findings;
using Pneumo.Evaluation.Metrics;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>Evaluates a saved model on a dataset split and writes <c>metrics.json</c> and <c>predictions.csv</c>.</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Scores every image of <paramref name="split"/> (<see cref="ModelSplit"/>: <c>validation</c> is the model's own
    /// validation part, any other name the folder ROOT/NAME; unreadable images are skipped and listed), computes the metrics at
    /// each threshold the model carries (all chosen on validation when it was trained), the quality of its probabilities
    /// and how its referral rule does, and writes the results.
    /// </summary>
    /// <remarks>
    /// The network is run once, uncalibrated; the model's calibration (if any) is applied here, so both probabilities of
    /// each image come from the same pass. Thresholds and the referral rule apply to the calibrated probabilities, the
    /// scale they were fitted on and the one users see. <c>reports</c>, when given, draws the evaluation's figure
    /// (<c>reliability.png</c>) beside the result files. <c>progress</c> hears the decoding and the scoring.
    /// </remarks>
    public static EvaluationResult Run(ModelDirectory model, string dataRoot, string split, string outDir, string command,
                                       Action<string>? log = null, int resamples = Bootstrap.DefaultResamples,
                                       CancellationToken cancel = default, IReportWriter? reports = null,
                                       IProgress<WorkProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var metadata = model.Metadata;
        var decoder = new ImageDecoder(metadata.Preprocessing.InputSize) { OnWarning = ImageDecoder.WarningsTo(log) };
        var (records, usable, cache, failures) = ModelSplit.Load(model, dataRoot, split, decoder, log, cancel, progress);
        string source = ModelSplit.Describe(model, dataRoot, split);
        foreach (var f in failures) log?.Invoke($"skipped: {f}");
        var flagged = new List<string>();
        (usable, flagged) = WithoutUnreliable(usable, cache, log);
        if (usable.Count == 0) throw new DataException($"{source}: no readable images");
        var raw = Predictor.For(model, calibrated: false).Predict(new BatchLoader(usable, cache, 32), cancel,
                                                                 WorkProgress.Counter(progress, ScoringStep, usable.Count));
        (usable, raw) = WithoutNonFinite(usable, raw, source, failures, log);
        RequireBothClasses(usable, records, source);
        var predictions = metadata.Calibration is { } calibration
            ? raw with { Probabilities = raw.Probabilities.Select(calibration.Apply).ToList() }
            : raw;
        var labels = predictions.Labels;
        var probabilities = predictions.Probabilities;

        var method = metadata.ThresholdMethod.Name;
        var thresholds = new Dictionary<string, double>(metadata.Thresholds) { [method] = metadata.Threshold };
        var all = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(labels, probabilities, t.Value));
        double threshold = metadata.Threshold;
        var byFinding = usable.Select((r, i) => (r.Finding, Positive: probabilities[i] >= threshold))
            .GroupBy(x => x.Finding)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new FindingResult(g.Count(), Bootstrap.Proportion(g.Select(x => x.Positive).ToList(), resamples, seed: 1)));
        var quality = Quality(raw, predictions, metadata.Calibration, resamples);
        var result = EvaluationResult.From(all[method], method, all, split,
                                           model.Path, metadata.Architecture, metadata.Seed, Path.GetFullPath(dataRoot)) with
        {
            HeadlineAtThresholds = thresholds.ToDictionary(
                t => t.Key, t => MetricRegistry.Compute(MetricInput.At(labels, probabilities, t.Value))),
            ConfidenceIntervals = Bootstrap.HeadlineMetrics(labels, probabilities, threshold, resamples, seed: 0),
            BootstrapResamples = resamples,
            ExpectedCalibrationError = quality.Shown.ExpectedCalibrationError.Estimate,
            Calibration = quality,
            Referral = metadata.Referral is { } referral ? ReferralResult.Compute(labels, probabilities, threshold, referral, resamples, seed: 3) : null,
            ByFinding = byFinding,
            Findings = predictions is { Classes: { } classes, ClassProbabilities: { } perClass }
                ? FindingEvaluation.Compute(classes, perClass, ModelTasks.FindingClassNames, resamples, referral: metadata.FindingReferral)
                : null,
            Skipped = failures,
            Flagged = flagged,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Provenance = Provenance.Capture(command),
        };
        Directory.CreateDirectory(outDir);
        var decisions = probabilities.Select(p => EvaluationPredictions.Decide(p, threshold, metadata.Referral)).ToList();
        new EvaluationPredictions(predictions, raw.Probabilities, decisions).WriteCsv(Path.Combine(outDir, FileNames.Predictions));
        reports?.Evaluation(outDir, result);
        if (result.Findings is { } findingMetrics) reports?.Findings(outDir, predictions, findingMetrics, split);
        Json.Write(Path.Combine(outDir, FileNames.Metrics), result);  // last: the marker of a finished evaluation
        return result;
    }

    /// <summary>The name of the scoring step in progress reports.</summary>
    public const string ScoringStep = "scoring";

    /// <summary>The quality of the network's probabilities and, when the model has a calibration, of the calibrated ones, on the same resamples.</summary>
    private static CalibrationResult Quality(Predictions raw, Predictions shown, ScoreCalibration? calibration, int resamples) =>
        new(Calibration.DefaultBins,
            ProbabilityQuality.Compute(raw.Labels, raw.Probabilities, resamples, seed: 2),
            calibration is null ? null : ProbabilityQuality.Compute(shown.Labels, shown.Probabilities, resamples, seed: 2) with { Temperature = calibration.Temperature });

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
        return (usable.Subset(keep), predictions.Subset(keep));
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
