using System.ComponentModel;
using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo study</c>: the whole protocol (data, hold-out training and test, pruning, cross-validation, report), resumable stage by stage.</summary>
public sealed class StudyCommand(Terminal terminal) : PneumoCommand<StudyCommand.Settings>(terminal)
{
    public sealed class Settings : SeedSettings
    {
        [CommandOption("--out <DIR>"), Description("Study folder: study.json, data/, runs/, pruning/, cv/, report/. Running the same command again continues it.")]
        public string? Out { get; init; }

        [CommandOption("--quick"), Description("60 training images per class, 2 epochs (fine-tuning 1), 200 bootstrap resamples, pruning at 0.5 only: minutes, not hours.")]
        public bool Quick { get; init; }

        [CommandOption("--cv"), Description("Add K-fold cross-validation of szanet and resnet18-frozen.")]
        public bool CrossValidation { get; init; }

        [CommandOption("--findings"), Description("Add the second question: resnet18-frozen trained to tell NORMAL, BACTERIAL and VIRAL apart (train --task finding), tested and reported.")]
        public bool Findings { get; init; }

        [CommandOption("--epochs <N>"), Description("Maximum epochs of every training (default 30, --quick 2); fine-tuning at most as many as its default (30, --quick 1)."), HelpDefault("30 (quick 2)")]
        public int? Epochs { get; init; }

        [CommandOption("--limit <N>"), Description("At most N training images per class (default all, --quick 60)."), HelpDefault("all (quick 60)")]
        public int? Limit { get; init; }

        [CommandOption("--bootstrap <N>"), Description("Bootstrap resamples for the 95% confidence intervals (default 2000, --quick 200)."), HelpDefault("2000 (quick 200)")]
        public int? Bootstrap { get; init; }

        [CommandOption("--folds <K>"), Description("Folds of the cross-validation."), DefaultValue(5)]
        public int Folds { get; init; } = 5;

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            var problem = ToOptions().Validate();
            return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
        }

        /// <summary>The preset (--quick or each command's defaults) with the options given.</summary>
        public StudyOptions ToOptions()
        {
            var preset = Quick ? StudyOptions.QuickPreset : new StudyOptions();
            return preset with
            {
                CrossValidation = CrossValidation, Findings = Findings, Seed = Seed, Folds = Folds, Threads = Threads,
                Epochs = Epochs ?? preset.Epochs, FineTuneEpochs = Epochs is int e ? Math.Min(e, preset.FineTuneEpochs) : preset.FineTuneEpochs,
                LimitPerClass = Limit ?? preset.LimitPerClass, BootstrapResamples = Bootstrap ?? preset.BootstrapResamples,
            };
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var options = settings.ToOptions();
        Line($"data: {root}; study in {settings.Out} ({(options.Quick ? "quick" : "full")}: {options.Epochs} epochs, fine-tuning {options.FineTuneEpochs}, " +
             $"{(options.LimitPerClass is int l ? $"at most {l}" : "all")} training images per class, {options.BootstrapResamples} bootstrap resamples" +
             $"{(options.CrossValidation ? $", {options.Folds}-fold cross-validation" : "")}{(options.Findings ? ", the finding model" : "")}, seed {options.Seed})");
        // One job per folder: a second process on it stops here with one line naming the holder.
        using var folderLock = Persistence.RunFolderLock.Acquire(settings.Out!);
        var record = ProgressDisplay.Run(Terminal, display =>
            StudyRun.Execute(options, root, settings.Out!, CommandLine(), new ReportWriter(), [new ConsoleProgress(Console, display)], Line, cancellation, display));
        foreach (var s in record.Stages)
            Line(string.Create(CultureInfo.InvariantCulture, $"  {s.Name,-24} {s.Status.ToString().ToLowerInvariant(),-9} {s.Seconds ?? 0,6:F0} s  {s.Output}"));
        Line($"wrote {Path.Combine(settings.Out!, FileNames.StudyReport, FileNames.ReportHtml)} and {Path.Combine(settings.Out!, FileNames.Study)}");
        return Task.FromResult(record.Complete ? ExitCodes.Success : ExitCodes.Failed);
    }
}
