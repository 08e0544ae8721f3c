using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Pneumo.Cli.Infrastructure;
using Pneumo.Data;
using Pneumo.Evaluation;
using Pneumo.Persistence;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo predict</c>: probability and label per image; bad files are reported and skipped.</summary>
public sealed class PredictCommand(IAnsiConsole console) : PneumoCommand<PredictCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<IMAGE_OR_DIR>"), Description("Image files, or folders searched for .jpeg/.jpg/.png.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("--model <MODEL_DIR>"), Description("Model directory (default: $PNEUMO_MODEL or models/szanet).")]
        public string? Model { get; init; }

        [CommandOption("--format <FORMAT>"), Description("text, json or csv."), DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            Format is "text" or "json" or "csv" ? ValidationResult.Success() : ValidationResult.Error("--format must be text, json or csv");
    }

    /// <summary>One scored image.</summary>
    public sealed record Prediction(string Path, double Probability, string Label, double Threshold);

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model));
        var decoder = new ImageDecoder(model.Metadata.Preprocessing.InputSize);
        var predictor = Predictor.For(model);
        double threshold = model.Metadata.Threshold;
        int failed = 0;
        var results = new List<Prediction>();
        foreach (var path in ExpandInputs(settings.Inputs, ref failed))
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var p = predictor.Predict([decoder.Decode(path)])[0];
                results.Add(new Prediction(path, p, p >= threshold ? "PNEUMONIA" : "NORMAL", threshold));
                if (settings.Format == "text")
                    Line(string.Create(CultureInfo.InvariantCulture, $"{path}\t{p:F4}\t{results[^1].Label}"));
            }
            catch (DataException e)
            {
                Error(e.Message);
                failed++;
            }
        }
        if (settings.Format == "json")
            System.Console.Out.WriteLine(JsonSerializer.Serialize(results, Json.Options));
        else if (settings.Format == "csv")
        {
            System.Console.Out.WriteLine("path,probability,label");
            foreach (var r in results)
                System.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Csv.Escape(r.Path)},{r.Probability:R},{r.Label}"));
        }
        return Task.FromResult(failed > 0 ? ExitCodes.BadInput : ExitCodes.Success);
    }

    /// <summary>Files as given, folders expanded to their images (sorted); missing paths are reported and counted.</summary>
    private static List<string> ExpandInputs(IEnumerable<string> inputs, ref int failed)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => ChestXrayDataset.ImageExtensions.Contains(Path.GetExtension(f)))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) { Error($"{input}: folder has no .jpeg/.jpg/.png images"); failed++; }
                files.AddRange(found);
            }
            else
            {
                files.Add(input); // a missing file is reported by the decoder, in order
            }
        }
        return files;
    }
}
