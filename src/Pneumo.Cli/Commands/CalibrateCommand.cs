using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo calibrate</c>: fits a trained model's calibration, operating points and referral on its validation data, into its model.json.</summary>
public sealed class CalibrateCommand(Terminal terminal) : PneumoCommand<CalibrateCommand.Settings>(terminal)
{
    public sealed class Settings : ModelDataSettings
    {
        [CommandOption("--coverage <C>"), Description("Per-class coverage of the referral (conformal prediction): the fraction of each class's images whose true label the model keeps in its answer; the rest of the doubt becomes REFER."), DefaultValue(DecisionFitting.DefaultCoverage)]
        public double Coverage { get; init; } = DecisionFitting.DefaultCoverage;

        [CommandOption("--threshold-rule <R>"), Description("The threshold rule the model uses from now on: " + Persistence.ThresholdRule.Accepted + ". Every rule is fitted and recorded either way."), Help.HelpDefault("the model's own")]
        public string? ThresholdRule { get; init; }

        public override ValidationResult Validate()
        {
            if (CommonOptions.DecisionProblem(Coverage, ThresholdRule) is { } problem) return ValidationResult.Error(problem);
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var modelDir = ModelLocator.Resolve(settings.Model);
        var rule = settings.ThresholdRule is null ? (ThresholdRule?)null : Persistence.ThresholdRule.Parse(settings.ThresholdRule, "--threshold-rule");
        var fitted = DecisionFitting.Run(modelDir, root, settings.Coverage, rule, CommandLine(), Line, cancellation);
        Line("validation (as it is, calibrated) at each rule:");
        RuleTable.Of(fitted).Write(Console);
        Line($"wrote {Path.Combine(modelDir, FileNames.ModelMetadata)} (calibration, thresholds, referral; weights unchanged)");
        return Task.FromResult(ExitCodes.Success);
    }
}
