using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Reporting.Report;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo report</c>: the study report (HTML, Markdown, JSON, figures) from result folders.</summary>
public sealed class ReportCommand(Terminal terminal) : PneumoCommand<ReportCommand.Settings>(terminal)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--runs <DIR>"), Description("Result folders: a model with test/, an evaluation (metrics.json + predictions.csv) or a cross-validation (cv.json). Repeat for several.")]
        public string[] Runs { get; init; } = [];

        [CommandOption("--data <DIR>"), Description("Data root for the data summary and examples (default: the one the results record)."), HelpDefault("recorded")]
        public string? Data { get; init; }

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        [CommandOption("--out <REPORT_DIR>"), Description("Where report.html, report.md, summary.json and figures/ go.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out REPORT_DIR is required")
            : Runs.Length == 0 ? ValidationResult.Error("--runs DIR is required (repeat it for several result folders)")
            : Bootstrap < 100 ? ValidationResult.Error("--bootstrap must be at least 100")
            : ValidationResult.Success();
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var entries = settings.Runs.Select(ReportInputs.Load).ToList();
        var root = settings.Data is not null ? DataRoot.Resolve(settings.Data) : entries.Select(e => e.DataRoot).FirstOrDefault(Directory.Exists);
        StudyReport.Write(entries, root, settings.Out!, CommandLine(), settings.Bootstrap, Line);
        Line($"wrote {Path.Combine(settings.Out!, FileNames.ReportHtml)}, {FileNames.ReportMarkdown}, {FileNames.ReportSummary} and {FileNames.ReportFigures}/");
        return Task.FromResult(ExitCodes.Success);
    }
}
