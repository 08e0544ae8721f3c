using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo cv</c>: K-fold cross-validation over the training set, fold by fold, resumable and mergeable.</summary>
public sealed class CvCommand(Terminal terminal) : PneumoCommand<CvCommand.Settings>(terminal)
{
    public sealed class Settings : SeedSettings
    {
        [CommandOption("--arch <NAME>"), Description("Architecture (see pneumo train --help)."), DefaultValue("szanet")]
        public string Arch { get; init; } = "szanet";

        [CommandOption("--out <DIR>"), Description("Cross-validation folder: fold-K/ run folders, cv.json, cv.md.")]
        public string? Out { get; init; }

        [CommandOption("--folds <K>"), Description("Number of folds."), DefaultValue(5)]
        public int Folds { get; init; } = 5;

        [CommandOption("--fold <K>"), Description("Run only fold K (1-based), e.g. as a separate job; the summary covers every finished fold.")]
        public int? Fold { get; init; }

        [CommandOption("--epochs <N>"), Description("Maximum epochs per fold."), DefaultValue(30)]
        public int Epochs { get; init; } = 30;

        [CommandOption("--limit <N>"), Description("Use at most N training images per class (quick runs).")]
        public int? Limit { get; init; }

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals."), DefaultValue(2000)]
        public int Bootstrap { get; init; } = 2000;

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (!ModelRegistry.Contains(Arch)) return ValidationResult.Error($"--arch: unknown architecture '{Arch}' (known: {string.Join(", ", ModelRegistry.Names)})");
            if (Folds < 2) return ValidationResult.Error("--folds must be at least 2");
            if (Fold is int k && (k < 1 || k > Folds)) return ValidationResult.Error($"--fold must be between 1 and --folds ({Folds})");
            if (Bootstrap < 100) return ValidationResult.Error("--bootstrap must be at least 100");
            var problem = ToConfig().Validate();
            return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
        }

        /// <summary>The training configuration of every fold: <c>pneumo train</c>'s defaults with these options.</summary>
        public TrainingConfig ToConfig() => CrossValidationRun.FoldConfig(new()
        {
            Architecture = Arch.ToLowerInvariant(), Epochs = Epochs, Seed = Seed, LimitPerClass = Limit, Threads = Threads,
        }, Folds);
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        Line($"data: {root}; {settings.Folds}-fold cross-validation of {settings.Arch} in {settings.Out}" +
             (settings.Fold is int k ? $" (fold {k} only)" : ""));
        var summary = ProgressDisplay.Run(Terminal, display =>
            CrossValidationRun.Execute(settings.ToConfig(), settings.Folds, root, settings.Out!, settings.Fold - 1, CommandLine(),
                                       [new ConsoleProgress(Console, display)], Line, new ReportWriter(), settings.Bootstrap, cancellation, display));
        Tables(summary);
        Line($"wrote {Path.Combine(settings.Out!, FileNames.CrossValidationSummary)} and {FileNames.CrossValidationTable}");
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary><c>cv.md</c>'s text and tables as console text and tables that fit the terminal (fold and part name each row).</summary>
    private void Tables(CrossValidationSummary summary)
    {
        static string Plain(string markdown) => markdown.Replace("**", "");
        Line(Plain(CrossValidationTable.Description(summary)));
        var folds = CrossValidationTable.Folds(summary);
        int[] order = [0, 3, .. Enumerable.Range(1, 2), .. Enumerable.Range(4, folds.Headings.Length - 4)];  // fold, part, then the rest
        var table = new ConsoleTable(2, [.. order.Select(i => folds.Headings[i])]);
        foreach (var row in folds.Rows) table.AddRow([.. order.Select(i => row[i])]);
        table.Write(Console);
        foreach (var note in CrossValidationTable.Notes(summary)) Line(Plain(note));
        if (CrossValidationTable.Ensemble(summary) is { } ensemble)
        {
            Line(CrossValidationTable.EnsembleDescription(summary)!);
            var transposed = new ConsoleTable("test", "fold ensemble");  // one row of ten wide cells reads better as a column
            for (int i = 0; i < ensemble.Headings.Length; i++) transposed.AddRow(ensemble.Headings[i], ensemble.Rows[0][i]);
            transposed.Write(Console);
        }
    }
}
