using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Imaging.Dicom;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Persistence;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo predict</c>: decision (NORMAL, PNEUMONIA, or REFER when the model's referral rule is not sure) and
/// probability per image, from one model or the mean of several, optionally with a Grad-CAM overlay per image; bad
/// files are reported and skipped. The text format ends with a summary line counting the decisions. DICOM files are
/// read too (radiographs only, unless <c>--any-modality</c>); the window that made their pixels is part of every
/// output format. The formats are the web service's (JPEG, PNG, DICOM, recognised by content), regular files only, up
/// to <c>--max-file-mb</c>. JSON and CSV are the <see cref="Prediction"/> contract the web service answers with
/// (<see cref="ImagePrediction"/>, <see cref="PredictionCsv"/>).
/// </summary>
public sealed class PredictCommand(Terminal terminal) : PneumoCommand<PredictCommand.Settings>(terminal)
{
    public sealed class Settings : EnsembleSettings
    {
        [CommandArgument(0, "<IMAGE_OR_DIR>"), Description("Image files (JPEG, PNG, DICOM), or folders searched for .jpeg/.jpg/.png and DICOM (.dcm, or DICM at offset 128).")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("--format <FORMAT>"), Description("text, json or csv."), DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--explain <OUT_DIR>"), Description("Write a Grad-CAM overlay PNG per image (NAME.gradcam.png) into this folder.")]
        public string? Explain { get; init; }

        [CommandOption("--any-modality"), Description("Score DICOM files of any modality (CT, MR, ...), with a warning; by default only CR, DX and RG are scored.")]
        public bool AnyModality { get; init; }

        [CommandOption("--max-file-mb <MB>"), Description("Largest image file read (larger ones are refused unread), as serve's --max-upload-mb."), DefaultValue(20)]
        public int MaxFileMb { get; init; } = 20;

        [CommandOption("--engine <ENGINE>"), Description("What runs the networks: torch (TorchSharp), onnx (ONNX Runtime) or onnx-int8 (ONNX Runtime quantised to int8: about 3x faster, probabilities moved by under 0.01 on average, more near the threshold; needs the model's int8.json from pneumo quantize). Same decisions to float rounding between torch and onnx."), DefaultValue("torch")]
        public string Engine { get; init; } = "torch";

        [CommandOption("--shard <K/N>"), Description("Score only shard K of N of the files (a stable share, by a hash of each path as listed), e.g. one job of N.")]
        public string? Shard { get; init; }

        public override ValidationResult Validate()
        {
            if (Shard is not null && !Data.Shard.TryParse(Shard, out _)) return ValidationResult.Error($"--shard must be K/N with 1 <= K <= N, e.g. 2/8 (got '{Shard}')");
            if (Format is not ("text" or "json" or "csv")) return ValidationResult.Error("--format must be text, json or csv");
            if (MaxFileMb < 1) return ValidationResult.Error("--max-file-mb must be at least 1");
            if (InferenceEngines.Parse(Engine) is null) return ValidationResult.Error($"--engine: '{Engine}' is not {InferenceEngines.Names}");
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var modelDirs = settings.Models.Length == 0 ? [ModelLocator.Resolve(null)] : settings.Models;
        using var diagnoser = Diagnoser.Load(modelDirs, dicom: new DicomOptions { AnyModality = settings.AnyModality },
                                             engine: InferenceEngines.Parse(settings.Engine)!.Value, threads: Environment.ProcessorCount,
                                             deferNetworks: true);
        var heatmaps = settings.Explain is null ? null : new HeatmapFiles(settings.Explain);
        int failed = 0;
        var results = new List<ImagePrediction>();
        var files = ExpandInputs(settings.Inputs, ref failed);
        var selected = (settings.Shard is null ? files : Data.Shard.Parse(settings.Shard).Select(files)).ToList();
        // Folders can hold thousands of images: progress on standard error (or live in the terminal), the results as they come.
        bool folders = settings.Inputs.Any(Directory.Exists);
        void Score(ProgressDisplay? display)
        {
            var predicted = WorkProgress.Counter(display, PredictingStep, selected.Count);
            for (int i = 0; i < selected.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var path = selected[i];
                try
                {
                    var d = diagnoser.Diagnose(path, explain: heatmaps is not null, maxFileBytes: settings.MaxFileMb * 1024L * 1024);
                    var heatmap = d.Explanation is null ? null : heatmaps!.Write(path, d.Explanation.OverlayPng);
                    var r = new ImagePrediction(path, Prediction.From(d), heatmap);
                    foreach (var warning in d.Dicom?.Warnings ?? []) Warning($"{path}: {warning}");
                    results.Add(r);
                    if (settings.Format == "text") Result(TextLine(r), display);
                }
                catch (DataException e)
                {
                    Error(e.Message);
                    failed++;
                }
                predicted?.Report(i + 1);
            }
        }
        if (folders) ProgressDisplay.Run(Terminal, display => { Score(display); return 0; });
        else Score(null);
        if (settings.Format == "text") Terminal.Verbatim(Summary(results, failed, diagnoser));
        if (settings.Format == "json")
            Terminal.Verbatim(JsonSerializer.Serialize(results, Json.Options));
        else if (settings.Format == "csv")
            foreach (var line in PredictionCsv.Lines(results, diagnoser.Models, heatmaps is not null)) Terminal.Verbatim(line);
        return Task.FromResult(failed > 0 ? ExitCodes.BadInput : ExitCodes.Success);
    }

    /// <summary>The name of the step counting scored files in progress reports.</summary>
    public const string PredictingStep = "predicting";

    /// <summary>
    /// A result line: verbatim, never wrapped at the terminal's width (one line per image), unless a live progress
    /// display is on standard output, which the line must go through to appear above it.
    /// </summary>
    private void Result(string line, ProgressDisplay? display)
    {
        if (display is { Live: true } && Terminal.LiveProgress) Console.WriteLine(line, Style.Plain);
        else Terminal.Verbatim(line);
    }

    /// <summary>
    /// path, probability, decision (a REFER with what it means); each model's probability when there are several; the
    /// overlay's path.
    /// </summary>
    private static string TextLine(ImagePrediction r)
    {
        var decision = r.Referral.Refer ? Decision.Refer.Display() : r.Decision;
        // A finding model's bacterial or viral, where the threshold's label is PNEUMONIA: "PNEUMONIA, likely bacterial (0.83)".
        if (r.Finding is { } finding && r.Label == ClassLabel.Pneumonia.FolderName()) decision += ", " + finding.Summary;
        var fields = new List<string> { r.Path, r.Probability.ToString("F4", CultureInfo.InvariantCulture), decision };
        if (r.Models.Count > 1)
            fields.AddRange(r.Models.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name}={m.Probability:F4}")));
        if (r.Heatmap is not null) fields.Add(r.Heatmap);
        if (r.Warning is not null) fields.Add("warning: " + r.Warning);
        if (r.Dicom is not null) fields.Add("window " + r.Dicom.Window.Summary);
        return string.Join('\t', fields);
    }

    /// <summary>
    /// "3 images: 1 NORMAL, 1 PNEUMONIA, 1 REFER (uncertain: refer to a radiologist)", the failures, and when no
    /// referral rule applies, that it does not (so a run without REFER is not mistaken for one where all were sure).
    /// </summary>
    private static string Summary(IReadOnlyList<ImagePrediction> results, int failed, Diagnoser diagnoser)
    {
        int Count(Decision d) => results.Count(r => r.Decision == d.Name());
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} {(results.Count == 1 ? "image" : "images")}: {Count(Decision.Normal)} {Decision.Normal.Name()}, {Count(Decision.Pneumonia)} {Decision.Pneumonia.Name()}, {Count(Decision.Refer)} {Decision.Refer.Display()}");
        if (failed > 0) text += $"; {failed} not read";
        if (diagnoser.Referral is null) text += "; " + ReferralOutcome.None(diagnoser.Models.Count).Message;
        return text;
    }

    /// <summary>Files as given, folders expanded to their images (sorted); missing paths are reported and counted.</summary>
    private List<string> ExpandInputs(IEnumerable<string> inputs, ref int failed)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(ImageFormats.IsImageFile)
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) { Error($"{input}: folder has no {ChestXrayDataset.ImageKinds} images"); failed++; }
                files.AddRange(found);
            }
            else
            {
                files.Add(input); // a missing file is reported by the decoder, in order
            }
        }
        return files;
    }

    /// <summary>Overlay files in the --explain folder: NAME.gradcam.png, made unique when two inputs share a name.</summary>
    private sealed class HeatmapFiles(string folder)
    {
        private readonly HashSet<string> used = new(StringComparer.Ordinal);

        public string Write(string imagePath, byte[] png)
        {
            var stem = Path.GetFileNameWithoutExtension(imagePath);
            var name = stem + ".gradcam.png";
            for (int n = 2; !used.Add(name); n++) name = $"{stem}-{n}.gradcam.png";
            var path = Path.Combine(folder, name);
            AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, png));
            return path;
        }
    }
}
