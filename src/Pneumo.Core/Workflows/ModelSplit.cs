using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Training;

namespace Pneumo.Workflows;

/// <summary>
/// The images a model is measured on, by split name, with one meaning for every command that takes <c>--split</c>
/// (evaluate, audit): <see cref="Validation"/> is the model's own validation part, carved from ROOT/train by the split
/// the model recorded (its <c>split.csv</c>, or the same seeded split recomputed from its training configuration);
/// any other name is the folder ROOT/NAME (ROOT/test, the official test set).
/// </summary>
/// <remarks>
/// The validation part is rebuilt, not read from a folder: the dataset's own tiny <c>val/</c> folder, if present, is
/// not it, and a folder named <c>validation/</c> is never read. Rebuilding checks the data root's fingerprint against
/// the one the model recorded, so another data root is refused rather than silently measured.
/// </remarks>
public static class ModelSplit
{
    /// <summary>The split name for the model's own validation part.</summary>
    public const string Validation = Audit.AuditSettings.Validation;

    /// <summary>Where the split's images come from, for log lines and error messages.</summary>
    public static string Describe(ModelDirectory model, string dataRoot, string split) =>
        split == Validation ? $"the validation part of {model.Path} (carved from {Path.Combine(dataRoot, "train")})" : Path.Combine(dataRoot, split);

    /// <summary>
    /// The split's images (all of them, listed before decoding), the cache they are decoded into and the messages of
    /// those that could not be decoded.
    /// </summary>
    /// <remarks>For <see cref="Validation"/> the training set is decoded to rebuild the split; undecodable images of
    /// it are listed and left out. Otherwise <see cref="ImageCache.LoadAll"/> decides what is usable.</remarks>
    public static (IReadOnlyList<ImageRecord> Records, IReadOnlyList<ImageRecord> Usable, ImageCache Cache, List<string> Skipped) Load(
        ModelDirectory model, string dataRoot, string split, ImageDecoder decoder, Action<string>? log, CancellationToken cancel,
        IProgress<WorkProgress>? progress = null)
    {
        if (split == Validation)
        {
            log?.Invoke($"rebuilding the validation part of {model.Path} from {Path.GetFullPath(dataRoot)} (decoding its training set)");
            var data = TrainingData.ForModel(model.Metadata, model.Path, dataRoot, DecodingProgress(progress), cancel: cancel);
            return (data.Split.Validation, data.Split.Validation, data.Cache, data.Skipped.Select(f => f.Message).ToList());
        }
        var records = ChestXrayDataset.Load(dataRoot, split);
        var cache = new ImageCache(decoder);
        var (usable, failures) = cache.LoadAll(records, WorkProgress.Counter(progress, DecodingStep, records.Count), cancel);
        return (records, usable, cache, failures.Select(f => f.Message).ToList());
    }

    /// <summary>The name of the decoding step in progress reports.</summary>
    public const string DecodingStep = "decoding";

    /// <summary>Decoding progress of <see cref="TrainingData"/>, as reports of the decoding step; null when <paramref name="progress"/> is.</summary>
    public static Action<int, int>? DecodingProgress(IProgress<WorkProgress>? progress) =>
        progress is null ? null : (done, total) => progress.Report(new WorkProgress(DecodingStep, done, total));
}
