using System.ComponentModel;
using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo ensemble</c>: several trained models as one model directory (the mean of their logits), with its own
/// calibration, operating points and referral fitted on their shared validation split.
/// </summary>
public sealed class EnsembleCommand(Terminal terminal) : PneumoCommand<EnsembleCommand.Settings>(terminal)
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--member <MODEL_DIR>"), Description("A member's model directory; repeat for each (at least 2). Members must share preprocessing, test-time augmentation and the validation split.")]
        public string[] Members { get; init; } = [];

        [CommandOption("--out <DIR>"), Description("The ensemble's model directory (new): model.json and a copy of the members' split.csv; the members' weights are referenced, not copied.")]
        public string? Out { get; init; }

        [CommandOption("--coverage <C>"), Description("Per-class coverage of the referral (conformal prediction), as calibrate's."), DefaultValue(DecisionFitting.DefaultCoverage)]
        public double Coverage { get; init; } = DecisionFitting.DefaultCoverage;

        [CommandOption("--threshold-rule <R>"), Description("The threshold rule the ensemble uses: " + Persistence.ThresholdRule.Accepted + ". Every rule is fitted and recorded either way."), Help.HelpDefault("the members' if shared, else perturbed")]
        public string? ThresholdRule { get; init; }

        public override ValidationResult Validate()
        {
            if (Members.Length < 2) return ValidationResult.Error("--member MODEL_DIR is needed at least twice (an ensemble has at least 2 members)");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (CommonOptions.DecisionProblem(Coverage, ThresholdRule) is { } problem) return ValidationResult.Error(problem);
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var rule = settings.ThresholdRule is null ? (ThresholdRule?)null : Persistence.ThresholdRule.Parse(settings.ThresholdRule, "--threshold-rule");
        var fitted = EnsembleBuild.Run(settings.Members, settings.Out!, root, settings.Coverage, rule, CommandLine(), Line, cancellation);
        Line("validation (as it is, calibrated) at each rule:");
        RuleTable.Of(fitted).Write(Console);
        Line($"wrote {Path.Combine(settings.Out!, FileNames.ModelMetadata)}: {fitted.Architecture}, threshold {F(fitted.Threshold)} ({fitted.ThresholdMethod.Name}); use it as any model (--model {settings.Out})");
        return Task.FromResult(ExitCodes.Success);
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
