using System.Diagnostics;
using System.Globalization;
using Pneumo.Audit;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Explain;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training;

namespace Pneumo.Workflows;

/// <summary>
/// <c>pneumo audit</c>: how much a model relies on the image border and the corners where side markers sit, on its own
/// validation part or the official test set. Writes <c>audit.json</c>, <c>audit.csv</c>, <c>audit.md</c> and figures.
/// </summary>
public static class AuditRun
{
    /// <summary>Audits the model in <paramref name="modelDir"/> on the split <paramref name="settings"/> names; <paramref name="progress"/> hears the decoding and the auditing.</summary>
    /// <exception cref="InvalidDataException">Not a loadable model, or (validation) one without a training configuration.</exception>
    /// <exception cref="DataException">The data root lacks the split, or (validation) is not the data the model was trained on.</exception>
    public static AuditResult Execute(string modelDir, string dataRoot, string outDir, AuditSettings settings, string command,
                                      IReportWriter reports, Action<string>? log = null, CancellationToken cancel = default,
                                      IProgress<WorkProgress>? progress = null)
    {
        log ??= _ => { };
        if (settings.Validate() is { } problem) throw new UserError(problem);
        var clock = Stopwatch.StartNew();
        TorchThreads.Use(settings.Threads);
        using var model = ModelDirectory.Load(modelDir);
        var (records, cache, skipped) = LoadSplit(model, dataRoot, settings, log, cancel, progress);
        foreach (var s in skipped) log($"skipped: {s}");
        if (records.Count == 0) throw new DataException($"{dataRoot}: no readable images in the {settings.Split} split");
        int size = model.Metadata.Preprocessing.InputSize;
        var (offset, length) = model.Metadata.Preprocessing.CropWindow(size);
        var regions = AuditRegions.For(size, size, settings.Border, settings.Patch, new PixelRect(offset, offset, offset + length, offset + length));
        int normal = records.Count(r => r.Label == ClassLabel.Normal);
        string crop = length < size ? $"; the model sees the central {length} px (centre crop)" : "";
        log(string.Create(CultureInfo.InvariantCulture,
            $"auditing {records.Count} {settings.Split} images ({normal} NORMAL, {records.Count - normal} PNEUMONIA); border band {regions.Band} px ({regions.BorderAreaShare * 100:F1}% of the area the model sees), corner patches {regions.Patch} px{crop}"));

        var auditor = new Auditor(Predictor.For(model), new GradCam(model.Model, model.Metadata.Preprocessing), regions, settings.Chunk);
        var auditClock = Stopwatch.StartNew();
        var audited = WorkProgress.Counter(progress, AuditingStep, records.Count);
        var rows = auditor.Run(records, cache.Get, done => audited?.Report(done), cancel);
        double imagesPerSecond = rows.Count / auditClock.Elapsed.TotalSeconds;
        // A model with NaN weights scores nothing: said once, naming it, before any metric or figure is computed.
        FiniteScores.Require(rows.Select(r => r.P).ToList(), Path.TrimEndingDirectorySeparator(model.Path), rows.Select(r => r.Path).ToList());

        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.AuditRows), string.Join("\n", rows.Select(r => r.ToCsv()).Prepend(AuditRow.CsvHeader)) + "\n");
        double threshold = model.Metadata.Threshold;
        var result = new AuditResult
        {
            Model = Path.TrimEndingDirectorySeparator(model.Path), ModelName = model.Name, Architecture = model.Metadata.Architecture,
            Version = model.Version, ExplainedLayer = model.Model.FeatureLayer, TestTimeAugmentation = EnumNames.Name(model.Metadata.TestTimeAugmentation),
            Threshold = threshold, ThresholdMethod = model.Metadata.ThresholdMethod.Name,
            Split = settings.Split, DataRoot = Path.GetFullPath(dataRoot), Settings = settings,
            N = rows.Count, NNormal = rows.Count(r => r.Label == 0), NPneumonia = rows.Count(r => r.Label == 1),
            Regions = regions, BorderAreaShare = regions.BorderAreaShare, PatchAreaShare = regions.PatchAreaShare,
            EmptyMaps = rows.Count(r => !double.IsFinite(r.Cam.Border)),
            CamMass = RegionMass.Summarize(rows, regions, settings.Bootstrap, settings.Seed),
            Masking = MaskingEffect.Summarize(rows, threshold, settings.Bootstrap, settings.Seed + 100),
            Groups = GroupMetrics.Summarize(rows, threshold, settings.Bootstrap, settings.Seed + 200),
            GroupsAtHalf = GroupMetrics.Summarize(rows, 0.5, settings.Bootstrap, settings.Seed + 200),
            Files = new() { ["rows"] = FileNames.AuditRows, ["report"] = FileNames.AuditMarkdown, ["mean_map"] = FileNames.AuditMeanMap, ["group_accuracy"] = FileNames.AuditGroupFigure },
            Skipped = skipped.ToList(),
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ImagesPerSecond = Math.Round(imagesPerSecond, 2),
            Provenance = Provenance.Capture(command),
        };
        reports.Audit(outDir, result, auditor, $"{model.Name} on {settings.Split}");
        Json.Write(Path.Combine(outDir, FileNames.Audit), result);
        return result;
    }

    /// <summary>The name of the auditing step (Grad-CAM and the masked passes, image by image) in progress reports.</summary>
    public const string AuditingStep = "auditing";

    /// <summary>The images of the split (a seeded subset with a limit), decoded as evaluation decodes them.</summary>
    private static (List<ImageRecord> Records, ImageCache Cache, List<string> Skipped) LoadSplit(
        ModelDirectory model, string dataRoot, AuditSettings settings, Action<string> log, CancellationToken cancel, IProgress<WorkProgress>? progress)
    {
        IReadOnlyList<ImageRecord> records;
        ImageCache cache;
        var skipped = new List<string>();
        if (settings.Split == ModelSplit.Validation)
        {
            (_, records, cache, var failures) = ModelSplit.Load(model, dataRoot, settings.Split, new ImageDecoder(model.Metadata.Preprocessing.InputSize), log, cancel, progress);
            skipped.AddRange(failures);
            if (settings.Limit is int limit) records = TrainingData.Subsample(records, limit, settings.Seed);
        }
        else
        {
            records = ChestXrayDataset.Load(dataRoot, settings.Split);
            if (settings.Limit is int limit) records = TrainingData.Subsample(records, limit, settings.Seed);
            cache = new ImageCache(new ImageDecoder(model.Metadata.Preprocessing.InputSize));
            var (usable, failures) = cache.LoadAll(records, WorkProgress.Counter(progress, ModelSplit.DecodingStep, records.Count), cancel);
            skipped.AddRange(failures.Select(f => f.Message));
            records = usable;
        }
        return (records.ToList(), cache, skipped);
    }
}
