using System.ComponentModel;
using System.Globalization;
using Pneumo.Audit;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo audit</c>: how much a model relies on the image border and the corner markers (Grad-CAM mass, masking, per-group accuracy).</summary>
public sealed class AuditCommand(Terminal terminal) : PneumoCommand<AuditCommand.Settings>(terminal)
{
    public sealed class Settings : ModelSeedSettings
    {
        [CommandOption("--split <SPLIT>"), Description("validation: the model's own validation part, carved from ROOT/train by the split the model recorded (as evaluate --split validation); test: ROOT/test, the official test set (for reporting only)."), DefaultValue("validation")]
        public string Split { get; init; } = "validation";

        [CommandOption("--border <F>"), Description("Width of the border band on each side, as a fraction of the image side."), DefaultValue(0.1)]
        public double Border { get; init; } = 0.1;

        [CommandOption("--patch <F>"), Description("Side of the (marker-sized) corner patches, as a fraction of the image side."), DefaultValue(0.15)]
        public double Patch { get; init; } = 0.15;

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        [CommandOption("--limit <N>"), Description("At most N images per class (a seeded subset, whole patients first).")]
        public int? Limit { get; init; }

        [CommandOption("--out <OUT_DIR>"), Description("Where audit.json, audit.csv, audit.md and the figures go.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out OUT_DIR is required");
            var problem = ToSettings().Validate();
            return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
        }

        public AuditSettings ToSettings() => new()
        {
            Split = Split, Border = Border, Patch = Patch, Bootstrap = Bootstrap, Limit = Limit, Seed = Seed, Threads = Threads,
        };
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var modelDir = ModelLocator.Resolve(settings.Model);
        var result = ProgressDisplay.Run(Terminal, display =>
            AuditRun.Execute(modelDir, root, settings.Out!, settings.ToSettings(), CommandLine(), new ReportWriter(), Line, cancellation, display));

        var mass = new ConsoleTable("Grad-CAM region", "area share", "NORMAL", "PNEUMONIA", "all", "95% CI", "excess");
        foreach (var m in result.CamMass)
            mass.AddRow(m.Region, P(m.AreaShare), P(m.Normal), P(m.Pneumonia), P(m.All.Estimate), Interval(P(m.All.Lower), P(m.All.Upper)), F(m.Excess, "F2") + "x");
        mass.Write(Console);
        var masking = new ConsoleTable(2, "masked", "class", "n", "mean |Δp|", "mean Δp", "flips", "→PNEUMONIA", "→NORMAL");
        foreach (var m in result.Masking)
            masking.AddRow(m.Variant, m.Class, m.N.ToString(CultureInfo.InvariantCulture), F(m.MeanAbsDelta), F(m.MeanDelta.Estimate, "+0.0000;-0.0000"),
                           P(m.Flips.Estimate), m.ToPneumonia.ToString(CultureInfo.InvariantCulture), m.ToNormal.ToString(CultureInfo.InvariantCulture));
        masking.Write(Console);
        var groups = new ConsoleTable("group", "n", $"accuracy at {F(result.Threshold, "F3")}", "95% CI", "accuracy at 0.5", "95% CI");
        foreach (var g in result.Groups)
        {
            var half = result.GroupsAtHalf.First(x => x.Group == g.Group);
            groups.AddRow(g.Group, g.N.ToString(CultureInfo.InvariantCulture), F(g.Accuracy.Estimate), Interval(F(g.Accuracy.Lower), F(g.Accuracy.Upper)),
                          F(half.Accuracy.Estimate), Interval(F(half.Accuracy.Lower), F(half.Accuracy.Upper)));
        }
        groups.Write(Console);
        Line($"{result.N} images in {result.Seconds:F0} s ({result.ImagesPerSecond:F1} images/s audited)");
        Line($"wrote {Path.Combine(settings.Out!, FileNames.Audit)}, {FileNames.AuditRows}, {FileNames.AuditMarkdown}, {FileNames.AuditMeanMap}, {FileNames.AuditGroupFigure}");
        return Task.FromResult(result.Skipped.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput);
    }

    private static string Interval(string lower, string upper) => $"[{lower}, {upper}]";

    private static string F(double v, string format = "F4") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string P(double v) => double.IsFinite(v) ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "n/a";
}
