using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Training;

/// <summary>
/// The images a model trains and validates on: the training set (optionally a seeded subset), decoded once, with
/// unreadable images dropped, split into a training and a validation part, and the class weights of the training part.
/// </summary>
public sealed record TrainingData(TrainValidationSplit Split, ImageCache Cache, double[] ClassWeights, string Fingerprint,
                                  IReadOnlyList<DecodeFailure> Skipped)
{
    /// <summary>
    /// The data of a new run: loads <c>ROOT/train</c> and splits it as <paramref name="config"/> says;
    /// <paramref name="decoding"/> receives the decoding progress (done, total), <paramref name="warn"/> the decoder's and the image store's warnings.
    /// </summary>
    public static TrainingData Prepare(TrainingConfig config, string dataRoot, Action<int, int>? decoding = null,
                                       CancellationToken cancel = default, Action<string>? warn = null) =>
        Build(config, dataRoot, InputSize(config), decoding, usable => TrainValidationSplit.Create(usable, config.ValidationFraction, config.EffectiveSplitSeed, config.SplitBy), null, cancel, warn);

    /// <summary>The data of a run that was given its split: the training set split as its <c>split.csv</c> records.</summary>
    public static TrainingData FromSplitFile(TrainingConfig config, string dataRoot, string splitFile, Action<int, int>? decoding = null,
                                             CancellationToken cancel = default, Action<string>? warn = null) =>
        Build(config, dataRoot, InputSize(config), decoding, usable => ReadSplit(splitFile, usable), null, cancel, warn);

    /// <summary>
    /// The data a saved model was trained on, rebuilt from its <c>model.json</c>: the split recorded in the model
    /// directory's <c>split.csv</c> when present, else the same seeded split recomputed from the recorded training
    /// configuration. Checked against the recorded dataset fingerprint and counts. An ensemble's split is its members'
    /// (they share it): its own copy of their <c>split.csv</c>, with the first member's training configuration.
    /// </summary>
    /// <exception cref="InvalidDataException">The model records no training configuration, or its split.csv is malformed.</exception>
    /// <exception cref="DataException">The data root is not the data the model was trained on.</exception>
    public static TrainingData ForModel(ModelMetadata metadata, string modelDir, string dataRoot, Action<int, int>? decoding = null,
                                        CancellationToken cancel = default)
    {
        var config = SplitConfig(metadata, modelDir);
        var splitFile = Path.Combine(modelDir, FileNames.Split);
        var recorded = metadata.Dataset;
        void CheckFingerprint(string fingerprint)
        {
            if (recorded is not null && recorded.Fingerprint != fingerprint)
                throw new DataException($"{dataRoot}: not the data {modelDir} was trained on (fingerprint {fingerprint}, the model records {recorded.Fingerprint}); pass --data with its data root");
        }
        var data = Build(config, dataRoot, metadata.Preprocessing.InputSize, decoding, usable => File.Exists(splitFile)
            ? ReadSplit(splitFile, usable)
            : TrainValidationSplit.Create(usable, config.ValidationFraction, config.EffectiveSplitSeed, config.SplitBy), CheckFingerprint, cancel);
        if (recorded is not null && (recorded.TrainCount != data.Split.Train.Count || recorded.ValidationCount != data.Split.Validation.Count))
            throw new DataException($"{modelDir}: rebuilt split has {data.Split.Train.Count} training and {data.Split.Validation.Count} validation images, " +
                                    $"the model records {recorded.TrainCount} and {recorded.ValidationCount}");
        return data;
    }

    /// <summary>The training configuration that made a model's split: its own, or an ensemble's first member's.</summary>
    private static TrainingConfig SplitConfig(ModelMetadata metadata, string modelDir)
    {
        var (source, dir) = (metadata, modelDir);
        if (metadata.Members is [var first, ..])
        {
            dir = first.Resolve(modelDir);
            source = Json.Read<ModelMetadata>(Path.Combine(dir, FileNames.ModelMetadata));
        }
        return source.Training
            ?? throw new InvalidDataException($"{Path.Combine(dir, FileNames.ModelMetadata)}: no training configuration, so its validation set cannot be rebuilt");
    }

    /// <summary>The input size a new run's images are decoded at: its preprocessing's, or its architecture's default.</summary>
    private static int InputSize(TrainingConfig config) => (config.Input ?? ModelRegistry.Get(config.Architecture).DefaultPreprocessing).InputSize;

    private static TrainingData Build(TrainingConfig config, string dataRoot, int inputSize, Action<int, int>? decoding,
                                      Func<IReadOnlyList<ImageRecord>, TrainValidationSplit> split,
                                      Action<string>? checkFingerprint, CancellationToken cancel, Action<string>? warn = null)
    {
        var all = ChestXrayDataset.Load(dataRoot, "train");
        IReadOnlyList<ImageRecord> records = config.LimitPerClass is int limit ? Subsample(all, limit, config.EffectiveSplitSeed) : all;
        var fingerprint = ChestXrayDataset.Fingerprint(records);
        checkFingerprint?.Invoke(fingerprint);
        var cache = new ImageCache(new ImageDecoder(inputSize)
        {
            OnWarning = ImageDecoder.WarningsTo(warn),
        });
        decoding?.Invoke(0, records.Count);  // the start, so a progress display times the decoding from here
        var (usable, failures) = cache.LoadAll(records, decoding is null ? null : WorkProgress.Synchronous<int>(d => decoding(d, records.Count)), cancel);
        var parts = split(usable);
        var task = config.EffectiveTask;
        TaskTargets.Counts(usable, task);  // refuses, before any training, an image without a target for the task
        var weights = config.ClassWeights ? Pneumo.Data.ClassWeights.Balanced(parts.Train, task) : Enumerable.Repeat(1.0, task.ClassCount()).ToArray();
        return new TrainingData(parts, cache, weights, fingerprint, failures);
    }

    /// <summary>A seeded subset of at most <paramref name="perClass"/> images per class, whole patients first.</summary>
    internal static IReadOnlyList<ImageRecord> Subsample(IReadOnlyList<ImageRecord> records, int perClass, int seed)
    {
        var random = new Random(seed);
        var chosen = new List<int>();
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            var patients = Enumerable.Range(0, records.Count).Select(i => (Index: i, Record: records[i])).Where(x => x.Record.Label == label)
                .GroupBy(x => x.Record.PatientId).Select(g => g.Select(x => x.Index).ToList()).ToArray();
            random.Shuffle(patients);
            chosen.AddRange(patients.SelectMany(p => p).Take(perClass));
        }
        var paths = chosen.ToDictionary(i => i, i => records[i].RelativePath);
        return records.Subset(chosen.OrderBy(i => paths[i], StringComparer.Ordinal));
    }

    internal static TrainValidationSplit ReadSplit(string path, IReadOnlyList<ImageRecord> records)
    {
        var byPath = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
        for (int i = 0; i < records.Count; i++) byPath[records[i].RelativePath] = i;
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var (line, row) in ResultFiles.ReadSplit(path))
        {
            if (!byPath.TryGetValue(row.Path, out var index))
                throw new DataException($"{path}: line {line} names {row.Path}, which is not a readable image of the data root");
            (row.Validation ? validation : train).Add(index);
        }
        return new TrainValidationSplit(records.Subset(train), records.Subset(validation));
    }
}
