using System.Globalization;
using Pneumo.Data;
using Pneumo.Evaluation.Findings;
using Pneumo.Evaluation.Metrics;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>
/// Everything about a model's decision that is fitted on validation after its weights are fixed: the calibration
/// (temperature), every threshold rule (the operating points) and the referral rule (conformal), from the validation
/// predictions as they are and under the acquisition perturbation battery. The one place this happens, for a trained
/// model (<c>pneumo calibrate</c>) and an ensemble (<c>pneumo ensemble</c>) alike.
/// </summary>
/// <remarks>
/// Order: the temperature is fitted on the pooled perturbed scores first; every threshold and the referral quantiles
/// are then fitted on the calibrated scores, so all numbers in <c>model.json</c> are on the scale users see. The test
/// set is never read.
/// </remarks>
public static class DecisionFitting
{
    /// <summary>The referral's per-class coverage when none is asked for.</summary>
    public const double DefaultCoverage = 0.95;

    /// <summary>
    /// The model's metadata with calibration, thresholds (<c>default</c>, <c>youden</c>, <c>perturbed</c>,
    /// <c>sensitivity:0.95/0.97/0.99</c> and <paramref name="rule"/>), the threshold in use (<paramref name="rule"/>,
    /// or the model's own rule), validation metrics at each threshold and the referral rule.
    /// </summary>
    /// <param name="metadata">The model's metadata as it is.</param>
    /// <param name="perturbed">Its uncalibrated validation predictions under every perturbation of the battery (the first pass is the image as it is).</param>
    /// <param name="coverage">The referral's per-class coverage.</param>
    /// <param name="rule">The threshold rule to use from now on; null = the model's own.</param>
    /// <param name="log">Receives one line per fitted quantity.</param>
    public static ModelMetadata Fit(ModelMetadata metadata, PerturbedValidation perturbed, double coverage = DefaultCoverage,
                                    ThresholdRule? rule = null, Action<string>? log = null)
    {
        if (coverage is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(coverage), "coverage must be in (0, 1)");
        var plain = perturbed.Passes[0].Predictions;
        var labels = perturbed.PooledLabels;
        var raw = perturbed.PooledScores;
        FiniteScores.Require(raw, "validation under the perturbation battery");
        int images = plain.Labels.Count, passes = perturbed.Passes.Count;
        string fittedOn = string.Create(CultureInfo.InvariantCulture,
            $"the model's validation split ({images:N0} images) as it is and under {passes - 1} acquisition changes ({labels.Count:N0} scores)");

        double temperature = TemperatureFit.Fit(labels, raw);
        var calibration = new ScoreCalibration(temperature, fittedOn, labels.Count);
        var pooled = raw.Select(calibration.Apply).ToList();
        calibration = calibration with
        {
            LogLossBefore = ProbabilityScores.LogLoss(labels, raw), LogLossAfter = ProbabilityScores.LogLoss(labels, pooled),
            EceBefore = Calibration.Compute(labels, raw).ExpectedCalibrationError, EceAfter = Calibration.Compute(labels, pooled).ExpectedCalibrationError,
        };
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"calibration: temperature {temperature:F3}; pooled validation log-loss {calibration.LogLossBefore:F4} -> {calibration.LogLossAfter:F4}, ECE {calibration.EceBefore:F4} -> {calibration.EceAfter:F4}"));

        foreach (var (name, pass) in perturbed.Passes)
        {
            var calibrated = pass.Probabilities.Select(calibration.Apply).ToList();
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-14} calibrated log-loss {ProbabilityScores.LogLoss(pass.Labels, calibrated):F4}, AUC {RocCurve.Compute(pass.Labels, calibrated).Auc:F4}"));
        }
        var withoutCompression = perturbed.Passes.Where(p => !p.Perturbation.StartsWith("jpeg", StringComparison.Ordinal)).ToList();
        if (withoutCompression.Count < perturbed.Passes.Count)
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"  pooled without the JPEG pass: calibrated log-loss {ProbabilityScores.LogLoss(withoutCompression.SelectMany(p => p.Predictions.Labels).ToList(), withoutCompression.SelectMany(p => p.Predictions.Probabilities).Select(calibration.Apply).ToList()):F4}"));
        var validation = plain.Probabilities.Select(calibration.Apply).ToList();
        var chosen = rule ?? metadata.ThresholdMethod;
        var rules = new List<ThresholdRule> { ThresholdRule.Default, ThresholdRule.Youden, ThresholdRule.Perturbed };
        rules.AddRange(ThresholdRule.StandardScreening);
        if (!rules.Contains(chosen)) rules.Add(chosen);
        var thresholds = rules.ToDictionary(r => r.Name, r => ThresholdSelector.NeedsOnlyValidation(r)
            ? ThresholdSelector.Choose(r, plain.Labels, validation)
            : ThresholdSelector.ChoosePooled(r, labels, pooled));
        foreach (var (name, t) in thresholds)
        {
            var m = BinaryMetrics.Compute(labels, pooled, t);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"threshold {name,-16} {t:F4}  (pooled validation: sensitivity {m.Sensitivity:F4}, specificity {m.Specificity:F4})"));
        }

        var (normal, pneumonia, normalCount, pneumoniaCount) = ConformalFit.Fit(labels, pooled, coverage);
        var referral = new ReferralRule(coverage, normal, pneumonia, normalCount, pneumoniaCount, fittedOn);
        double threshold = thresholds[chosen.Name];
        double referred = pooled.Count(p => referral.Refers(p, p >= threshold)) / (double)pooled.Count;
        double referredPlain = validation.Count(p => referral.Refers(p, p >= threshold)) / (double)validation.Count;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"referral at coverage {coverage:F2}: NORMAL if p <= {normal:F4}, PNEUMONIA if p >= {1 - pneumonia:F4}; refers {referred:P1} of the pooled validation scores, {referredPlain:P1} of the plain validation images"));
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"  per-class coverage on the pooled validation scores: NORMAL {Coverage(false, referral.IncludesNormal):F4}, PNEUMONIA {Coverage(true, referral.IncludesPneumonia):F4} (the fit's own data: a check of the fit)"));

        // The share of one class's pooled scores whose conformal set holds that class.
        double Coverage(bool pneumoniaClass, Func<double, bool> includes)
        {
            var ofClass = pooled.Where((_, i) => (labels[i] == 1) == pneumoniaClass).ToList();
            return ofClass.Count(includes) / (double)ofClass.Count;
        }

        return metadata with
        {
            Calibration = calibration,
            Referral = referral,
            Thresholds = thresholds,
            Threshold = threshold,
            ThresholdMethod = chosen,
            Validation = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(plain.Labels, validation, t.Value)),
            DecisionFittedOn = fittedOn,
        };
    }

    /// <summary>
    /// A finding model's three-class referral (<see cref="FindingReferral"/>), fitted on the class probabilities of its
    /// validation images as training left them (<c>validation_predictions.csv</c>: the saved weights, no perturbation).
    /// </summary>
    private static FindingReferral FitKinds(string modelDir, double coverage, Action<string>? log)
    {
        var path = Path.Combine(modelDir, FileNames.ValidationPredictions);
        var validation = ResultFiles.ReadPredictions(path);
        if (validation is not { Classes: { } truth, ClassProbabilities: { } classes })
            throw new InvalidDataException($"{path}: no class probabilities, so the finding model's referral cannot be fitted");
        var rule = ConformalFit.FitClasses(truth, classes, coverage,
            string.Create(CultureInfo.InvariantCulture, $"the model's validation split ({truth.Count:N0} images) as it is, class probabilities from {FileNames.ValidationPredictions}"));
        var pneumonia = Enumerable.Range(0, truth.Count).Where(i => truth[i] > 0).ToList();
        double referred = pneumonia.Count(i => rule.RefersKind(classes[i], FindingEvaluation.LikelyKind(classes[i]))) / (double)pneumonia.Count;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"finding referral at coverage {coverage:F2}: a class is in the set when 1 - P(class) <= NORMAL {rule.Quantiles[0]:F4}, BACTERIAL {rule.Quantiles[1]:F4}, VIRAL {rule.Quantiles[2]:F4}; refers the kind of {referred:P1} of the validation pneumonia images"));
        return rule;
    }

    /// <summary>
    /// Fits a saved model's decision (<see cref="Fit"/>) and rewrites its <c>model.json</c> (the weights are not touched).
    /// The perturbed validation predictions are read from the model directory's <c>validation_perturbed.csv</c> when
    /// they are there for exactly the model's validation split, else computed (8 validation passes) and written there.
    /// </summary>
    public static ModelMetadata Run(string modelDir, string dataRoot, double coverage, ThresholdRule? rule, string command,
                                    Action<string>? log = null, CancellationToken cancel = default)
    {
        PerturbedValidation perturbed;
        ModelMetadata metadata;
        using (var model = ModelDirectory.Load(modelDir, log))
        {
            metadata = model.Metadata;
            var decoder = new ImageDecoder(metadata.Preprocessing.InputSize) { OnWarning = ImageDecoder.WarningsTo(log) };
            var (_, usable, cache, failures) = ModelSplit.Load(model, dataRoot, ModelSplit.Validation, decoder, log, cancel);
            if (failures.Count > 0) throw new DataException($"{ModelSplit.Describe(model, dataRoot, ModelSplit.Validation)}: {failures.Count} images could not be read ({failures[0]})");
            var csv = Path.Combine(model.Path, FileNames.PerturbedValidationPredictions);
            var stored = File.Exists(csv) ? PerturbedValidation.ReadCsv(csv) : null;
            if (stored is not null && stored.Matches(usable))
            {
                log?.Invoke($"validation under the perturbation battery: read from {csv}");
                perturbed = stored;
            }
            else
            {
                log?.Invoke($"validation under {Data.Transforms.AcquisitionPerturbation.Battery.Count - 1} acquisition perturbations and as it is ({usable.Count} images each)");
                var predictor = Predictor.For(model, calibrated: false);
                var plain = predictor.Predict(new BatchLoader(usable, cache, 32), cancel);
                perturbed = PerturbedValidation.Run(model.Model, metadata.Preprocessing, predictor.FlipAveraging, usable, cache, 32, plain, log, cancel);
                perturbed.WriteCsv(csv);
            }
        }
        var fitted = Fit(metadata, perturbed, coverage, rule, log) with { DecisionProvenance = Provenance.Capture(command) };
        if (metadata.EffectiveTask == ModelTask.Finding) fitted = fitted with { FindingReferral = FitKinds(modelDir, coverage, log) };
        Json.Write(Path.Combine(modelDir, FileNames.ModelMetadata), fitted);
        return fitted;
    }
}
