using Pneumo.Cli.Commands;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli;

/// <summary>The <c>pneumo</c> command line: verbs, strict parsing, and one-line errors with exit code 2.</summary>
public static class PneumoApp
{
    /// <summary>Runs one command line, writing to <paramref name="terminal"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, Terminal terminal)
    {
        var app = new CommandApp(Registrar(terminal));
        app.Configure(config => Configure(config, terminal, args));
        return app.RunAsync(args);
    }

    /// <summary>What the verbs are built with: the terminal, and its standard output as the <see cref="IAnsiConsole"/>.</summary>
    public static TypeRegistrar Registrar(Terminal terminal)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(Terminal), terminal);
        registrar.RegisterInstance(typeof(IAnsiConsole), terminal.Out);
        return registrar;
    }

    /// <summary>
    /// The application: settings, the version, the help (bounded by <see cref="Terminal.HelpWidth"/>), the parse-error
    /// handler (one line with a suggestion for a typo, exit code 2) and every verb of <see cref="CommandCatalog"/>.
    /// </summary>
    public static void Configure(IConfigurator config, Terminal terminal, IReadOnlyList<string>? args = null)
    {
        config.SetApplicationName("pneumo");
        config.SetApplicationVersion(AppVersion.Text);
        config.UseStrictParsing();
        config.ConfigureConsole(terminal.Out);
        config.SetHelpProvider(new PneumoHelpProvider(config.Settings, terminal.HelpWidth));
        config.SetExceptionHandler((ex, _) =>
        {
            terminal.ErrorLine(TypoSuggestion.Explain(ErrorText(ex), args ?? []));
            return ExitCodes.BadInput;
        });
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train a model of any architecture (szanet, the ResNet18 variants, an ONNX backbone) on the training set; writes a run folder that is also a model directory.")
            .WithExample("train", "--arch", "szanet", "--out", "runs/szanet");
        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Evaluate a model on a split (the official test set by default): metrics.json, predictions.csv and reliability.png.")
            .WithExample("evaluate", "--model", "models/szanet", "--out", "results/szanet");
        config.AddCommand<CalibrateCommand>("calibrate")
            .WithDescription("Fit a model's calibration, operating points and referral (REFER when unsure) on its validation data; written to model.json.")
            .WithExample("calibrate", "--model", "models/resnet18-full", "--coverage", "0.95");
        config.AddCommand<EnsembleCommand>("ensemble")
            .WithDescription("Combine trained models into one model directory (mean of their logits), with its calibration, operating points and referral fitted on their shared validation split.")
            .WithExample("ensemble", "--member", "models/resnet18-full", "--member", "models/resnet18-full-r2", "--out", "models/ensemble");
        config.AddCommand<CvCommand>("cv")
            .WithDescription("K-fold cross-validation over the training set (stratified, patient-grouped): per fold train, validate, test; mean ± sd, pooled out-of-fold AUC, fold ensemble.")
            .WithExample("cv", "--arch", "szanet", "--folds", "5", "--out", "runs/cv-szanet");
        config.AddCommand<ReportCommand>("report")
            .WithDescription("The study report from result folders: self-contained HTML, report.md, summary.json, figures (CIs, calibration, the paper's numbers); with --model, a model's card (MODEL_CARD.md and .html).")
            .WithExample("report", "--runs", "results/szanet", "--runs", "runs/cv-szanet", "--out", "results/study")
            .WithExample("report", "--model", "models/szanet", "--evaluation", "results/szanet", "--out", "models/szanet");
        config.AddCommand<StudyCommand>("study")
            .WithDescription("The whole protocol, resumable stage by stage: data summary, every architecture under 80/20 with its test evaluation, a pruning sweep, optional cross-validation, the report.")
            .WithExample("study", "--quick", "--out", "runs/study-quick")
            .WithExample("study", "--cv", "--out", "results/study");
        config.AddCommand<PruneCommand>("prune")
            .WithDescription("Prune a model at a range of sparsities (random, magnitude; with and without retraining): table, plot, pruned model.")
            .WithExample("prune", "--model", "models/szanet", "--out", "results/pruning");
        config.AddCommand<AuditCommand>("audit")
            .WithDescription("Audit a model for shortcuts: Grad-CAM mass on the border and corners, the effect of masking them, accuracy per file-name group; audit.json, audit.csv, audit.md, figures.")
            .WithExample("audit", "--model", "models/szanet", "--split", "validation", "--out", "results/audit/szanet-validation");
        config.AddCommand<PredictCommand>("predict")
            .WithDescription("Probability of pneumonia and label for X-ray images or folders of them.")
            .WithExample("predict", "--model", "models/szanet", "xray.jpeg")
            .WithExample("predict", "--explain", "heatmaps", "--format", "json", "xray.jpeg");
        config.AddCommand<ExportCommand>("export")
            .WithDescription("Export a model as ONNX (preprocessing, network and sigmoid in one graph) or safetensors (weights).")
            .WithExample("export", "--model", "models/szanet", "--format", "onnx", "--out", "szanet.onnx");
        config.AddCommand<QuantizeCommand>("quantize")
            .WithDescription("Calibrate a model's int8 inference on its validation images (int8.json in its folder, with the float/int8 comparison); predict and serve run it with --engine onnx-int8.")
            .WithExample("quantize", "--model", "models/resnet18-full-ensemble");
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Measure speed and memory on this machine (training pipeline vs compute bound, GFLOP/s vs peak, inference, predict latency, RSS across epochs): bench.json and README.md.")
            .WithExample("bench", "--quick")
            .WithExample("bench", "--quick", "--arch", "szanet", "--arch", "resnet18-full", "--peer", "pytorch")
            .WithExample("bench", "--profile", "--arch", "resnet18-full")
            .WithExample("bench", "--out", "results/bench");
        config.AddCommand<ServeCommand>("serve")
            .WithDescription("Serve the diagnosis web page and JSON API (POST /api/predict, GET /health) until Ctrl+C.")
            .WithExample("serve", "--urls", "http://127.0.0.1:5080", "--model", "models/szanet");
        config.AddCommand<ClusterCommand>("cluster")
            .WithDescription("Run the work that fans out on a Slurm cluster: cv folds, training seeds (then their ensemble) or prediction shards as a job array and a merge job; status and resume.")
            .WithExample("cluster", "cv", "--folds", "5", "--out", "runs/cv-szanet", "--partition", "cpu", "--time", "12:00:00")
            .WithExample("cluster", "status", "runs/cv-szanet");
    }

    private static string ErrorText(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings(" ").Trim();
        return message.Length == 0 ? ex.GetType().Name : message;
    }
}
