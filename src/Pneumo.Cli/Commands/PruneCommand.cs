using System.ComponentModel;
using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo prune</c>: a sparsity sweep (random and magnitude pruning, with and without retraining), resumable.</summary>
public sealed class PruneCommand(Terminal terminal) : PneumoCommand<PruneCommand.Settings>(terminal)
{
    public sealed class Settings : ModelThreadsSettings
    {
        [CommandOption("--method <LIST>"), Description("Comma-separated: random (the paper), magnitude."), DefaultValue("random,magnitude")]
        public string Method { get; init; } = "random,magnitude";

        [CommandOption("--scope <SCOPE>"), Description("layer: every tensor gets the sparsity; global: over all prunable weights together."), DefaultValue("layer")]
        public string Scope { get; init; } = "layer";

        [CommandOption("--sparsity <LIST>"), Description("Comma-separated fractions of zeros, each in (0, 1)."), DefaultValue("0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9")]
        public string Sparsity { get; init; } = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9";

        [CommandOption("--retrain-epochs <N>"), Description("Epochs of retraining with the mask held fixed (0: no retrained variants); the epoch of lowest validation loss is kept."), DefaultValue(1)]
        public int RetrainEpochs { get; init; } = 1;

        [CommandOption("--seed <S>"), Description("Seed of random pruning and retraining (default: the model's seed)."), HelpDefault("model's")]
        public int? Seed { get; init; }

        [CommandOption("--tolerance <F>"), Description("Accuracy loss still counted as keeping the dense accuracy (0.015 = 1.5 points)."), DefaultValue(0.015)]
        public double Tolerance { get; init; } = 0.015;

        [CommandOption("--out <DIR>"), Description("Output folder; running the same command again continues an interrupted sweep.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (Scope is not ("layer" or "global")) return ValidationResult.Error("--scope must be layer or global");
            if (ParseMethods() is null) return ValidationResult.Error($"--method: '{Method}' is not a comma-separated list of random, magnitude");
            if (ParseSparsities() is null) return ValidationResult.Error($"--sparsity: '{Sparsity}' is not a comma-separated list of numbers");
            var problem = ToSettings(0).Validate();
            return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
        }

        public PruningSettings ToSettings(int modelSeed) => new()
        {
            Methods = ParseMethods() ?? [],
            Scope = Scope == "global" ? PruningScope.Global : PruningScope.Layer,
            Sparsities = ParseSparsities() ?? [],
            RetrainEpochs = RetrainEpochs,
            Seed = Seed ?? modelSeed,
            Tolerance = Tolerance,
            Threads = Threads,
        };

        private List<PruningMethod>? ParseMethods()
        {
            var methods = new List<PruningMethod>();
            foreach (var part in Method.Split(',', StringSplitOptions.TrimEntries))
            {
                if (part is "random") methods.Add(PruningMethod.Random);
                else if (part is "magnitude") methods.Add(PruningMethod.Magnitude);
                else return null;
            }
            return methods;
        }

        private List<double>? ParseSparsities()
        {
            var values = new List<double>();
            foreach (var part in Sparsity.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return null;
                values.Add(v);
            }
            return values;
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var root = DataRoot.Resolve(settings.Data);
        var modelDir = ModelLocator.Resolve(settings.Model);
        int modelSeed = ModelDirectory.Exists(modelDir) ? Json.Read<ModelMetadata>(Path.Combine(modelDir, FileNames.ModelMetadata)).Seed : 0;
        var pruning = settings.ToSettings(modelSeed);
        Line($"pruning {modelDir}: {string.Join(", ", pruning.Variants().Select(v => v.Name))} at sparsities " +
             $"{string.Join(", ", pruning.Sparsities.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))} " +
             $"({settings.Scope} scope, seed {pruning.Seed}, {pruning.RetrainEpochs} retraining epoch(s))");
        // One job per folder: a second process on it stops here with one line naming the holder.
        using var folderLock = Persistence.RunFolderLock.Acquire(settings.Out!);
        var summary = ProgressDisplay.Run(Terminal, display =>
            PruningRun.Execute(modelDir, root, settings.Out!, pruning, CommandLine(), new ReportWriter(), Line, cancellation, display));

        var table = new ConsoleTable("variant", "chosen sparsity (val score)", "own threshold (val)", "val accuracy", "test accuracy",
                                           "test AUC", "largest sparsity kept (val)", "(test)");
        foreach (var c in summary.Choices)
            table.AddRow(c.Variant, F(c.ChosenSparsity, "0.00"), F(c.Threshold), F(c.ValidationAccuracy), F(c.TestAccuracy), F(c.TestAuc),
                         c.MaxSparsityWithinToleranceValidation is double v ? F(v, "0.00") : "none",
                         c.MaxSparsityWithinToleranceTest is double t ? F(t, "0.00") : "none");
        table.Write(Console);
        if (summary.Dense is { } dense)
            Line($"dense: threshold {F(dense.Threshold)}, validation accuracy {F(dense.Validation.Accuracy)}, test accuracy {F(dense.Test.Accuracy)}, " +
                 $"AUC {F(dense.Test.Auc)}; kept = within {F(pruning.Tolerance * 100, "0.#")} points of it; every pruned model at its own " +
                 $"{summary.ThresholdMethod} threshold, chosen on its validation predictions");
        if (summary.SavedModel is { } saved)
            Line($"saved {Path.Combine(settings.Out!, saved.Directory)}: {saved.Variant} at {F(saved.Sparsity, "0.00")} " +
                 $"(zeros {F(saved.MeasuredSparsity)}, threshold {F(saved.Threshold)}); zipped weights {saved.ZipBytes:N0} bytes against {saved.DenseZipBytes:N0} dense");
        Line($"wrote {Path.Combine(settings.Out!, FileNames.PruningMarkdown)}, {FileNames.PruningTable}, {FileNames.PruningPlot}, {FileNames.PruningSummary}");
        return Task.FromResult(ExitCodes.Success);
    }

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
}
