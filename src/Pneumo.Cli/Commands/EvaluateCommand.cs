using System.ComponentModel;
using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo evaluate</c>: metrics of a model on a split at each of its validation-chosen thresholds, the quality of its
/// probabilities (uncalibrated and calibrated) and how its referral rule does; <c>metrics.json</c>, <c>predictions.csv</c>
/// and <c>reliability.png</c>.
/// </summary>
public sealed class EvaluateCommand(Terminal terminal) : PneumoCommand<EvaluateCommand.Settings>(terminal)
{
    public sealed class Settings : ModelDataSettings
    {
        [CommandOption("--split <NAME>"), Description("test: ROOT/test, the official test set; validation: the model's own validation part, carved from ROOT/train by the split the model recorded (as audit --split validation); any other NAME: the folder ROOT/NAME."), DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--out <OUT_DIR>"), Description("Where metrics.json, predictions.csv and reliability.png go.")]
        public string? Out { get; init; }

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out OUT_DIR is required")
            : Bootstrap < 100 ? ValidationResult.Error("--bootstrap must be at least 100")
            : base.Validate();
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model), Warning);
        Line($"evaluating {model.Path} ({model.Metadata.Architecture}) on {ModelSplit.Describe(model, root, settings.Split)}");
        var result = ProgressDisplay.Run(Terminal, display => ModelEvaluation.Run(model, root, settings.Split, settings.Out!, CommandLine(), Line,
                                                                                  settings.Bootstrap, cancellation, new ReportWriter(), display));
        OperatingPoints(result);
        Line($"{result.N} images; model threshold ({result.ThresholdMethod}) {F(result.Threshold)}");
        Line($"at it, with 95% bootstrap intervals ({result.BootstrapResamples} resamples):");
        foreach (var (name, ci) in result.ConfidenceIntervals!)
            Line($"  {name,-12} {F(ci.Estimate)}  [{F(ci.Lower)}, {F(ci.Upper)}]");
        foreach (var (finding, r) in result.ByFinding!)
            Line($"  {finding,-12} n={r.N,-4} called PNEUMONIA {F(r.FractionPredictedPneumonia.Estimate)}  [{F(r.FractionPredictedPneumonia.Lower)}, {F(r.FractionPredictedPneumonia.Upper)}]");
        if (result.Findings is { } findings) Findings(findings);
        Probabilities(result.Calibration!);
        if (result.Referral is { } referral) Referral(referral);
        var missing = new[] { model.Metadata.Calibration is null ? "calibration" : null, model.Metadata.Referral is null ? "referral" : null }.OfType<string>().ToList();
        if (missing.Count > 0) Line($"  (no {string.Join(" or ", missing)} in model.json: 'pneumo calibrate' fits them on validation)");
        Line(result.Findings is null
            ? $"wrote {FileNames.Metrics}, {FileNames.Predictions} and {FileNames.ReliabilityFigure} in {settings.Out}"
            : $"wrote {FileNames.Metrics}, {FileNames.Predictions}, {FileNames.ReliabilityFigure}, {FileNames.FindingsConfusionFigure} and {FileNames.FindingsRocFigure} in {settings.Out}");
        // Left out of the metrics, listed in metrics.json (flagged) and here on standard error.
        foreach (var f in result.Flagged) Warning($"not in the metrics: {f}");
        return Task.FromResult(result.Skipped.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput);
    }

    /// <summary>The metrics at every recorded threshold rule, the one in use marked; narrow enough for 80 columns.</summary>
    private void OperatingPoints(EvaluationResult result)
    {
        var metrics = MetricRegistry.Headline.Where(m => m.Name is "sensitivity" or "specificity" or "precision").ToList();
        int width = Math.Max(4, result.AtThresholds.Keys.Max(k => k.Length));
        Line($"operating points (each rule's threshold chosen on validation; * = in use):");
        Line($"  {"rule".PadRight(width)}  threshold{string.Concat(metrics.Select(m => "  " + m.Heading))}   FN   FP");
        foreach (var (name, m) in result.AtThresholds)
        {
            var values = result.HeadlineAtThresholds[name];
            var cells = string.Concat(metrics.Select(x => "  " + F(values[x.Name]).PadLeft(x.Heading.Length)));
            Line($"{(name == result.ThresholdMethod ? "*" : " ")} {name.PadRight(width)}  {F(m.Threshold),9}{cells} {m.Fn,4} {m.Fp,4}");
        }
    }

    /// <summary>A finding model's confusion matrix, three-class measures and bacterial vs viral beside Kermany et al.</summary>
    private void Findings(FindingMetrics f)
    {
        Line("findings (the most probable class; rows true, columns predicted):");
        Line($"  {"",-10}{string.Concat(f.Classes.Select(c => $"{c,10}"))}");
        for (int r = 0; r < f.Classes.Count; r++)
            Line($"  {f.Classes[r],-10}{string.Concat(f.ConfusionMatrix[r].Select(n => $"{n,10}"))}");
        foreach (var (name, ci) in f.Metrics)
            Line($"  {name,-22} {Ci(ci)}");
        Line($"bacterial vs viral among the {f.BacterialVsViralImages} pneumonia images (bacterial when P(b) >= P(v)):");
        Line($"  {"",-22} {"Pneumo",-24}  Kermany et al. 2018");
        foreach (var (name, ci) in f.BacterialVsViral)
            Line($"  {name,-22} {Ci(ci),-24}  {(FindingMetrics.Kermany2018BacterialVsViral.TryGetValue(name, out var k) ? F(k) : "")}");
    }

    /// <summary>The expected calibration error, Brier score and log-loss, uncalibrated and (when there is a calibration) calibrated.</summary>
    private void Probabilities(CalibrationResult quality)
    {
        var columns = new List<(string Heading, ProbabilityQuality Quality)>
        {
            (quality.Calibrated is null ? "uncalibrated (shown)" : "uncalibrated", quality.Uncalibrated),
        };
        if (quality.Calibrated is { } c) columns.Add(($"calibrated, T {F(c.Temperature ?? double.NaN)} (shown)", c));
        Line($"probabilities ({quality.Bins} equal-width bins; 95% bootstrap intervals):");
        Line($"  {"",-14}{string.Concat(columns.Select(c => $"  {c.Heading,-24}"))}".TrimEnd());
        foreach (var (name, value) in new (string, Func<ProbabilityQuality, ConfidenceInterval>)[]
                 { ("ECE", q => q.ExpectedCalibrationError), ("Brier score", q => q.BrierScore), ("log-loss", q => q.LogLoss) })
            Line($"  {name,-14}{string.Concat(columns.Select(c => $"  {Ci(value(c.Quality)),-24}"))}".TrimEnd());
    }

    /// <summary>How the referral rule did: coverage per class, how many it referred, and the metrics among the rest.</summary>
    private void Referral(ReferralResult r)
    {
        // Decided NORMAL needs p <= the NORMAL quantile and below the threshold and the PNEUMONIA bound; decided PNEUMONIA the mirror image.
        double pneumoniaFrom = 1 - r.PneumoniaQuantile;
        double lower = Math.Min(Math.Min(r.NormalQuantile, r.Threshold), pneumoniaFrom), upper = Math.Max(Math.Max(pneumoniaFrom, r.Threshold), r.NormalQuantile);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"referral (target coverage {r.CoverageTarget * 100:0.#}% per class; REFER for p from {F(lower)} to {F(upper)}):"));
        foreach (var (name, ci, count) in new[]
                 {
                     ("NORMAL coverage", r.NormalCoverage, $"{r.NormalCovered} of {r.NormalImages}"),
                     ("PNEUMONIA coverage", r.PneumoniaCoverage, $"{r.PneumoniaCovered} of {r.PneumoniaImages}"),
                     ("referred", r.ReferralRate, $"{r.Referred} of {r.N}"),
                     ("accuracy (decided)", r.DecidedAccuracy, $"{r.DecidedTp + r.DecidedTn} of {r.Decided}"),
                     ("sensitivity (decided)", r.DecidedSensitivity, $"{r.DecidedTp} of {r.DecidedTp + r.DecidedFn}"),
                     ("specificity (decided)", r.DecidedSpecificity, $"{r.DecidedTn} of {r.DecidedTn + r.DecidedFp}"),
                 })
            Line($"  {name,-22} {Ci(ci),-24}  {count}");
    }

    private static string Ci(ConfidenceInterval ci) => $"{F(ci.Estimate)}  [{F(ci.Lower)}, {F(ci.Upper)}]";

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
