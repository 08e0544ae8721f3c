using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Reporting.Card;
using Pneumo.Reporting.Report;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo report</c>: the study report (HTML, Markdown, JSON, figures) from result folders, or with <c>--model</c> a
/// model's card (MODEL_CARD.md and MODEL_CARD.html) from its model directory and the evaluations and audits given.
/// </summary>
public sealed class ReportCommand(Terminal terminal) : PneumoCommand<ReportCommand.Settings>(terminal)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--runs <DIR>"), Description("Result folders: a model with test/, an evaluation (metrics.json + predictions.csv) or a cross-validation (cv.json). Repeat for several.")]
        public string[] Runs { get; init; } = [];

        [CommandOption("--model <MODEL_DIR>"), Description("Write the model card of this model (MODEL_CARD.md and MODEL_CARD.html) instead of the study report.")]
        public string? Model { get; init; }

        [CommandOption("--evaluation <DIR>"), Description("With --model: an evaluation of the model (metrics.json of pneumo evaluate, e.g. --split test). Repeat for several.")]
        public string[] Evaluation { get; init; } = [];

        [CommandOption("--audit <DIR>"), Description("With --model: an audit of the model (audit.json of pneumo audit, validation and/or test). Repeat for several.")]
        public string[] Audit { get; init; } = [];

        [CommandOption("--data <DIR>"), Description("Data root for the data summary and examples (default: the one the results record)."), HelpDefault("recorded")]
        public string? Data { get; init; }

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        [CommandOption("--out <REPORT_DIR>"), Description("Where report.html, report.md, summary.json and figures/ go (with --model: MODEL_CARD.md and MODEL_CARD.html).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out REPORT_DIR is required")
            : Model is not null && Runs.Length > 0 ? ValidationResult.Error("--model (a model card) and --runs (the study report) cannot be combined")
            : Model is null && (Evaluation.Length > 0 || Audit.Length > 0) ? ValidationResult.Error("--evaluation and --audit need --model MODEL_DIR (they feed a model card)")
            : Model is null && Runs.Length == 0 ? ValidationResult.Error("--runs DIR is required (repeat it for several result folders), or --model MODEL_DIR for a model card")
            : Bootstrap < 100 ? ValidationResult.Error("--bootstrap must be at least 100")
            : ValidationResult.Success();
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        if (settings.Model is not null) return Task.FromResult(Card(settings));
        var entries = settings.Runs.Select(ReportInputs.Load).ToList();
        var root = settings.Data is not null ? DataRoot.Resolve(settings.Data) : entries.Select(e => e.DataRoot).FirstOrDefault(Directory.Exists);
        StudyReport.Write(entries, root, settings.Out!, CommandLine(), settings.Bootstrap, Line);
        Line($"wrote {Path.Combine(settings.Out!, FileNames.ReportHtml)}, {FileNames.ReportMarkdown}, {FileNames.ReportSummary} and {FileNames.ReportFigures}/");
        return Task.FromResult(ExitCodes.Success);
    }

    private int Card(Settings settings)
    {
        var inputs = ModelCardInputs.Load(settings.Model!, settings.Evaluation, settings.Audit);
        var card = ModelCard.Write(inputs, settings.Out!, CommandLine());
        foreach (var missing in card.Missing)
            Line($"not evaluated: {missing.Section}" + (missing.Command is null ? "" : $" ({missing.Command})"));
        Line($"wrote {card.MarkdownFile} and {FileNames.ModelCardHtml}");
        return ExitCodes.Success;
    }
}
