using System.ComponentModel;
using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo evaluate</c>: metrics of a model on a split, at its validation-chosen thresholds.</summary>
public sealed class EvaluateCommand(Terminal terminal) : PneumoCommand<EvaluateCommand.Settings>(terminal)
{
    public sealed class Settings : ModelDataSettings
    {
        [CommandOption("--split <NAME>"), Description("test: ROOT/test, the official test set; validation: the model's own validation part, carved from ROOT/train by the split the model recorded (as audit --split validation); any other NAME: the folder ROOT/NAME."), DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--out <OUT_DIR>"), Description("Where metrics.json and predictions.csv go.")]
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
        var result = ModelEvaluation.Run(model, root, settings.Split, settings.Out!, CommandLine(), Line, settings.Bootstrap, cancellation);

        var metrics = MetricRegistry.Headline;
        var table = new Table().AddColumns(["threshold", "value", .. metrics.Select(m => m.Heading), "TP", "FP", "TN", "FN"]);
        foreach (var (name, m) in result.AtThresholds)
        {
            var values = result.HeadlineAtThresholds[name];
            table.AddRow([name, F(m.Threshold), .. metrics.Select(x => F(values[x.Name])),
                          m.Tp.ToString(), m.Fp.ToString(), m.Tn.ToString(), m.Fn.ToString()]);
        }
        Console.Write(table);
        Line($"{result.N} images; model threshold ({result.ThresholdMethod}) {F(result.Threshold)}; 95% bootstrap intervals ({result.BootstrapResamples} resamples):");
        foreach (var (name, ci) in result.ConfidenceIntervals!)
            Line($"  {name,-12} {F(ci.Estimate)}  [{F(ci.Lower)}, {F(ci.Upper)}]");
        foreach (var (finding, r) in result.ByFinding!)
            Line($"  {finding,-12} n={r.N,-4} called PNEUMONIA {F(r.FractionPredictedPneumonia.Estimate)}  [{F(r.FractionPredictedPneumonia.Lower)}, {F(r.FractionPredictedPneumonia.Upper)}]");
        Line($"  expected calibration error {F(result.ExpectedCalibrationError ?? double.NaN)}");
        Line($"wrote {Path.Combine(settings.Out!, FileNames.Metrics)} and predictions.csv");
        // Left out of the metrics, listed in metrics.json (flagged) and here on standard error.
        foreach (var f in result.Flagged) Warning($"not in the metrics: {f}");
        return Task.FromResult(result.Skipped.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput);
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
