using System.Diagnostics;
using System.Globalization;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Evaluation;
using Pneumo.Evaluation.Metrics;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training.Callbacks;
using TorchSharp;

namespace Pneumo.Training;

/// <summary>
/// A training run in a folder: splits the data, trains with early stopping and learning-rate reduction on validation
/// loss, checkpoints every epoch, and finally writes the best weights as a model directory (the run folder itself).
/// </summary>
/// <remarks>
/// Files: <c>run.json</c> (config, data root, command, commit), <c>state.json</c> (progress, rewritten atomically each
/// epoch), <c>checkpoints/epoch-NNN/</c> (last epoch's weights and optimizer, with a <see cref="CheckpointManifest"/>
/// of their SHA-256 checked on resume), <c>best.pt</c>, <c>history.csv</c>, <c>split.csv</c>, and at the end
/// <c>model.json</c>, <c>weights.pt</c>, <c>validation_predictions.csv</c>. Starting and resuming hold the folder's
/// <see cref="RunFolderLock"/>: a second process on the same folder is refused.
/// </remarks>
public sealed class TrainingRun
{
    public const string RunFile = "run.json";
    public const string StateFile = "state.json";
    public const string BestWeightsFile = "best.pt";
    public const string SplitFile = "split.csv";
    private const string MaxEpochsReason = "reached the maximum of";

    private readonly string runDir;
    private readonly RunRecord run;
    private readonly ITrainingListener listener;

    private TrainingRun(string runDir, RunRecord run, ITrainingListener listener)
    {
        this.runDir = runDir;
        this.run = run;
        this.listener = listener;
    }

    private TrainingConfig Config => run.Config;

    /// <summary>Augmentation draws per image for models with a frozen front (see <see cref="TrainingConfig.AugmentationPool"/>).</summary>
    public const int DefaultAugmentationPool = 6;

    /// <summary>Starts a new run in <paramref name="runDir"/> (which must not hold a run already).</summary>
    /// <remarks>With <c>split</c>, the run trains and validates on that split of the training set (e.g. a
    /// cross-validation fold, described by <c>splitDescription</c> in run.json) instead of the one the configuration
    /// draws, also when resumed.</remarks>
    public static ModelMetadata Start(TrainingConfig config, string dataRoot, string runDir, string command,
                                      ITrainingListener? listener = null, CancellationToken cancel = default,
                                      TrainValidationSplit? split = null, string? splitDescription = null)
    {
        using var folderLock = RunFolderLock.Acquire(runDir);
        if (File.Exists(Path.Combine(runDir, RunFile)))
            throw new UserError($"{runDir}: already holds a run; use --resume {runDir} to continue it, or another --out");
        var record = new RunRecord(config, Path.GetFullPath(dataRoot), Provenance.Capture(command))
        {
            GivenSplit = split is null ? null : splitDescription ?? "given",
        };
        var run = new TrainingRun(runDir, record, listener ?? NullTrainingListener.Instance);
        if (split is not null) run.WriteSplit(split);
        Json.Write(Path.Combine(runDir, RunFile), record);
        return run.Execute(null, cancel);
    }

    /// <summary>Continues an interrupted run from its last checkpoint (or reports the finished model).</summary>
    /// <param name="runDir">The run folder.</param>
    /// <param name="listener">Receives progress.</param>
    /// <param name="cancel">Stops the run after the current batch; the last finished epoch's checkpoint remains.</param>
    /// <param name="threads">Torch threads for this process (an execution setting, not part of the experiment); null = as recorded.</param>
    /// <param name="epochs">A new maximum number of epochs, recorded in run.json; at or below the epochs done, the run ends now with its best weights.</param>
    public static ModelMetadata Resume(string runDir, ITrainingListener? listener = null, CancellationToken cancel = default,
                                       int? threads = null, int? epochs = null, string? weightsPrecision = null)
    {
        var runPath = Path.Combine(runDir, RunFile);
        if (!File.Exists(runPath)) throw new UserError($"{runDir}: not a training run (no {RunFile})");
        using var folderLock = RunFolderLock.Acquire(runDir);
        // Holding the lock, no other process is writing here: any temporary is a killed write's leftover.
        if (CheckpointManifest.RemoveStaleTemporaries(runDir) is > 0 and var removed)
            (listener ?? NullTrainingListener.Instance).Message($"removed {removed} temporary file(s) left by an interrupted write");
        var record = Json.Read<RunRecord>(runPath);
        if (threads is int t) record = record with { Config = record.Config with { Threads = t } };
        if (weightsPrecision is not null && weightsPrecision != record.Config.WeightsPrecision)
        {
            // How the finished model is stored, not how it trains: may change, and is recorded.
            if (weightsPrecision is not ("fp32" or "fp16")) throw new UserError("--weights-precision must be fp32 or fp16");
            record = record with { Config = record.Config with { WeightsPrecision = weightsPrecision } };
            Json.Write(runPath, record);
        }
        if (epochs is int e && e != record.Config.Epochs)
        {
            if (e < 1) throw new UserError("--epochs must be at least 1");
            (listener ?? NullTrainingListener.Instance).Message($"maximum epochs changed from {record.Config.Epochs} to {e}");
            record = record with { Config = record.Config with { Epochs = e } };
            Json.Write(runPath, record);
        }
        var statePath = Path.Combine(runDir, StateFile);
        var state = File.Exists(statePath) ? Json.Read<TrainingState>(statePath) : null;
        if (state is { Finished: true } && epochs is int more && more > state.EpochsDone &&
            state.StopReason?.StartsWith(MaxEpochsReason, StringComparison.Ordinal) == true)
        {
            // A run that ended only because it ran out of epochs continues from its last checkpoint.
            (listener ?? NullTrainingListener.Instance).Message($"continuing the finished run from epoch {state.EpochsDone + 1}");
            state = state with { Finished = false, StopReason = null };
        }
        return new TrainingRun(runDir, record, listener ?? NullTrainingListener.Instance).Execute(state, cancel);
    }

    /// <summary>
    /// Makes <paramref name="runDir"/> a finished model: nothing when it already is one, <see cref="Resume"/> when it holds an
    /// interrupted run, else <see cref="Start"/>. Used by the protocols that run many trainings (cross-validation, the study).
    /// </summary>
    /// <returns>The new model's metadata, or null when the folder already held a finished model.</returns>
    public static ModelMetadata? StartOrResume(TrainingConfig config, string dataRoot, string runDir, string command,
                                               ITrainingListener? listener = null, CancellationToken cancel = default,
                                               TrainValidationSplit? split = null, string? splitDescription = null)
    {
        if (ModelDirectory.Exists(runDir)) return null;
        return File.Exists(Path.Combine(runDir, RunFile))
            ? Resume(runDir, listener, cancel, config.Threads > 0 ? config.Threads : null)
            : Start(config, dataRoot, runDir, command, listener, cancel, split, splitDescription);
    }

    private ModelMetadata Execute(TrainingState? state, CancellationToken cancel)
    {
        torch.set_num_threads(Config.Threads > 0 ? Config.Threads : Environment.ProcessorCount);
        var data = PrepareData();
        var arch = ModelRegistry.Get(Config.Architecture);
        var input = Config.Input ?? arch.DefaultPreprocessing;
        var preprocessing = input with
        {
            PerImageStandardize = Config.PerImageStandardize ?? input.PerImageStandardize,
            CenterCrop = Config.CenterCrop ?? input.CenterCrop,
        };
        torch.manual_seed(Config.Seed);
        using var model = arch.Build(preprocessing, Config.Backbone);
        model.MixedPrecision = Config.Precision == "bf16";
        if (Config.InitFrom is not null && state?.Checkpoint is null) Initialise(model, Config.InitFrom);
        var average = Config.EmaDecay > 0 ? new WeightAverage(model, arch.Build(preprocessing, Config.Backbone), Config.EmaDecay) : null;
        using var trainer = new Trainer(model, preprocessing, Config.LearningRate, data.ClassWeights, average,
                                        flipAveraging: Config.TestTimeAugmentation == "hflip", backboneLrScale: Config.BackboneLrScale,
                                        layerDecay: Config.LayerLrDecay, weightDecay: Config.WeightDecay);
        var callbacks = new List<Callback> { new EarlyStopping("val_loss", Config.EarlyStoppingPatience, Config.MinDelta) };
        if (Config.Schedule == "plateau")
            callbacks.Add(new ReduceLrOnPlateau("val_loss", Config.ReduceLrFactor, Config.ReduceLrPatience, Config.MinLearningRate, Config.MinDelta));
        var context = new TrainingContext(() => trainer.LearningRate, lr => trainer.LearningRate = lr, listener.Message);
        state ??= new TrainingState { LearningRate = Config.LearningRate };
        if (state.Checkpoint is not null)
        {
            var ckpt = Path.Combine(runDir, state.Checkpoint);
            if (!CheckpointManifest.Verify(runDir, ckpt))
                listener.Message($"{ckpt}: no {CheckpointManifest.FileName} (written by an older Pneumo): the checkpoint is not verified");
            LoadCheckpointFile(Path.Combine(ckpt, "weights.pt"), f => model.LoadWeights(f));
            LoadCheckpointFile(Path.Combine(ckpt, "optimizer.pt"), f => trainer.Optimizer.load_state_dict(f));
            if (average is not null)
            {
                LoadCheckpointFile(Path.Combine(ckpt, "average.pt"), f => average.Model.LoadWeights(f));
                average.Updates = state.AverageUpdates;
            }
            trainer.LearningRate = state.LearningRate;
            foreach (var cb in callbacks)
                if (state.Callbacks.TryGetValue(cb.Name, out var saved)) cb.LoadState(saved);
            listener.Message($"resuming after epoch {state.EpochsDone} (learning rate {state.LearningRate:G3})");
        }
        foreach (var cb in callbacks) cb.OnTrainBegin(context);

        if (model.HasFrozenFront) trainer.FrontCache = new FrontCache();
        int? pool = Config.AugmentationPool ?? (model.HasFrozenFront ? DefaultAugmentationPool : null);
        var (prefetch, workers) = BatchLoader.ForThisProcess();
        var trainLoader = new BatchLoader(data.Split.Train, data.Cache, Config.BatchSize,
                                          Augmentation.For(Config.Augmentation), shuffle: true, seed: Config.Seed, prefetch: prefetch,
                                          augmentationPool: pool, prepare: preprocessing, workers: workers);
        var valLoader = new BatchLoader(data.Split.Validation, data.Cache, Config.BatchSize, prefetch: prefetch, prepare: preprocessing, workers: workers);
        if (Config.Schedule == "cosine")
        {
            long perEpoch = trainLoader.BatchCount;
            trainer.Schedule = new WarmupCosineSchedule((long)Math.Round(Config.WarmupEpochs * perEpoch), Config.Epochs * perEpoch);
            trainer.ScheduledRate = Config.LearningRate;
        }
        var history = new List<EpochLogs>(state.History);
        double seconds = state.TrainingSeconds;

        while (!state.Finished && state.EpochsDone < Config.Epochs)
        {
            int epoch = state.EpochsDone + 1;
            context.Epoch = epoch;
            torch.manual_seed(Config.Seed * 1000L + epoch);
            var clock = Stopwatch.StartNew();
            var (loss, accuracy, speed) = trainer.TrainOneEpoch(trainLoader, epoch,
                (b, running) => listener.Batch(epoch, b, trainLoader.BatchCount, running), cancel);
            listener.Validating(epoch);
            var val = trainer.Evaluate(valLoader, cancel);
            var valMetrics = BinaryMetrics.Compute(val.Labels, val.Probabilities, ThresholdSelector.Default);
            var logs = new EpochLogs(epoch, loss, accuracy, val.LogLoss(), valMetrics.Accuracy, valMetrics.Auc,
                                     trainer.LearningRate, clock.Elapsed.TotalSeconds, speed);
            history.Add(logs);
            seconds += logs.Seconds;

            int bestEpoch = state.BestEpoch;
            double bestLoss = state.BestValLoss;
            if (logs.ValLoss < bestLoss)
            {
                bestEpoch = epoch;
                bestLoss = logs.ValLoss;
                AtomicFile.Write(Path.Combine(runDir, BestWeightsFile), tmp => trainer.EvaluatedModel.SaveWeights(tmp));
            }
            listener.EpochEnd(logs);
            if (trainer.FrontCache is { } cache)
                listener.Message($"frozen front: {cache.Count} views cached ({cache.Misses} computed, {cache.Hits} reused so far)");
            foreach (var cb in callbacks) cb.OnEpochEnd(context, logs);

            var checkpoint = $"checkpoints/epoch-{epoch:D3}";
            var ckptDir = Path.Combine(runDir, checkpoint);
            Directory.CreateDirectory(ckptDir);
            model.SaveWeights(Path.Combine(ckptDir, "weights.pt"));
            trainer.Optimizer.save_state_dict(Path.Combine(ckptDir, "optimizer.pt"));
            average?.Model.SaveWeights(Path.Combine(ckptDir, "average.pt"));
            // best.pt is left out: a kill between its rewrite and the commit below would make the last checkpoint unusable.
            CheckpointManifest.Write(runDir, ckptDir, new[] { "weights.pt", "optimizer.pt", "average.pt" }.Select(f => $"{checkpoint}/{f}"));
            state = state with
            {
                EpochsDone = epoch, Checkpoint = checkpoint, LearningRate = trainer.LearningRate, History = history,
                Callbacks = callbacks.ToDictionary(c => c.Name, c => c.SaveState()),
                BestEpoch = bestEpoch, BestValLoss = bestLoss, TrainingSeconds = seconds, AverageUpdates = average?.Updates ?? 0,
                StopReason = context.StopRequested ? context.StopReason : null,
            };
            Json.Write(Path.Combine(runDir, StateFile), state);  // the commit point of the epoch
            WriteHistory(history);
            foreach (var old in Directory.GetDirectories(Path.Combine(runDir, "checkpoints")))
                if (Path.GetFileName(old) != Path.GetFileName(ckptDir)) Directory.Delete(old, recursive: true);
            if (context.StopRequested) break;
        }
        foreach (var cb in callbacks) cb.OnTrainEnd(context);

        var reason = state.StopReason ?? $"{MaxEpochsReason} {Config.Epochs} epochs";
        listener.Message($"training stopped: {reason}; restoring the best weights (epoch {state.BestEpoch}, val_loss {state.BestValLoss:F4})");
        model.LoadWeights(Path.Combine(runDir, BestWeightsFile));
        var metadata = Finish(model, preprocessing, valLoader, data, state, reason, trainer.FrontCache, cancel);
        Json.Write(Path.Combine(runDir, StateFile), state with { Finished = true, StopReason = reason });
        return metadata;
    }

    /// <summary>Loads one file of a checkpoint; a file that cannot be read is named, and its content never quoted.</summary>
    private static void LoadCheckpointFile(string path, Action<string> load)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: checkpoint file missing; cannot resume");
        try { load(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var size = new FileInfo(path).Length;
            throw new InvalidDataException(size == 0
                ? $"{path}: empty checkpoint file; cannot resume"
                : $"{path}: unreadable checkpoint file ({size} bytes: truncated, damaged or not a checkpoint); cannot resume");
        }
    }

    /// <summary>Starts from another model's saved weights (those it has and this model shares, e.g. a trained head).</summary>
    private void Initialise(ClassifierModel model, string modelDir)
    {
        var metaPath = Path.Combine(modelDir, ModelDirectory.MetadataFile);
        if (!File.Exists(metaPath)) throw new UserError($"--init {modelDir}: not a model directory (no {ModelDirectory.MetadataFile})");
        var source = Json.Read<ModelMetadata>(metaPath);
        var weights = Path.Combine(modelDir, source.Weights);
        var loaded = new Dictionary<string, bool>();
        model.load(weights, strict: false, skip: model.PretrainedState.ToList(), loadedParameters: loaded);
        int count = loaded.Count(kv => kv.Value);
        if (count == 0) throw new UserError($"--init {modelDir}: its weights share nothing with a {Config.Architecture} model");
        listener.Message($"initialised {count} weight tensors from {modelDir} ({source.Architecture})");
    }

    /// <summary>Validates the restored best weights, chooses the thresholds on validation, and writes the model directory.</summary>
    private ModelMetadata Finish(ClassifierModel model, Preprocessing preprocessing, BatchLoader valLoader,
                                 TrainingData data, TrainingState state, string reason, FrontCache? cache, CancellationToken cancel)
    {
        bool half = Config.WeightsPrecision == "fp16";
        if (half) model.RoundToHalf();  // validate what ships
        var val = new Predictor(model, preprocessing, Config.TestTimeAugmentation == "hflip", cache).Predict(valLoader, cancel);
        val.WriteCsv(Path.Combine(runDir, "validation_predictions.csv"));
        var thresholds = new Dictionary<string, double>
        {
            ["default"] = ThresholdSelector.Default,
            ["youden"] = ThresholdSelector.Youden(val.Labels, val.Probabilities),
        };
        var metrics = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(val.Labels, val.Probabilities, t.Value));
        var metadata = new ModelMetadata
        {
            Architecture = Config.Architecture,
            WeightsDtype = half ? "float16" : "float32",
            Preprocessing = preprocessing,
            Threshold = thresholds[Config.ThresholdRule],
            ThresholdMethod = Config.ThresholdRule,
            Thresholds = thresholds,
            TestTimeAugmentation = Config.TestTimeAugmentation,
            Backbone = Config.Backbone,
            AveragedWeights = Config.EmaDecay > 0,
            Training = Config,
            Seed = Config.Seed,
            Dataset = new DatasetInfo(run.DataRoot, data.Fingerprint, data.Split.Train.Count, data.Split.Validation.Count,
                                      ChestXrayDataset.ClassCounts(data.Split.Train), ChestXrayDataset.ClassCounts(data.Split.Validation),
                                      data.ClassWeights),
            Validation = metrics,
            BestEpoch = state.BestEpoch,
            Provenance = run.Provenance,
        };
        metadata = ModelDirectory.Save(runDir, model, metadata);
        foreach (var (name, m) in metrics)
            listener.Message($"validation at the {name} threshold {m.Threshold:F3}: AUC {m.Auc:F4}, accuracy {m.Accuracy:F4}, " +
                             $"sensitivity {m.Sensitivity:F4}, specificity {m.Specificity:F4}");
        listener.Message($"model written to {runDir} ({reason}; {state.TrainingSeconds:F0} s of training)");
        return metadata;
    }

    private TrainingData PrepareData()
    {
        var data = run.GivenSplit is null
            ? TrainingData.Prepare(Config, run.DataRoot, listener.Decoding)
            : TrainingData.FromSplitFile(Config, run.DataRoot, Path.Combine(runDir, SplitFile), listener.Decoding);
        foreach (var f in data.Skipped) listener.Message($"skipped: {f.Message}");
        var split = data.Split;
        var weights = data.ClassWeights;
        var tc = ChestXrayDataset.ClassCounts(split.Train);
        var vc = ChestXrayDataset.ClassCounts(split.Validation);
        int patientsTrain = split.Train.Select(r => r.PatientId).Distinct().Count();
        int patientsVal = split.Validation.Select(r => r.PatientId).Distinct().Count();
        listener.Message((run.GivenSplit is { } given ? $"split given ({given}): " : $"split by {Config.SplitBy.ToString().ToLowerInvariant()} (seed {Config.Seed}): ") +
                         $"train {split.Train.Count} images (NORMAL {tc[0]}, PNEUMONIA {tc[1]}; {patientsTrain} patients), " +
                         $"validation {split.Validation.Count} (NORMAL {vc[0]}, PNEUMONIA {vc[1]}; {patientsVal} patients)");
        listener.Message(string.Create(CultureInfo.InvariantCulture, $"class weights: NORMAL {weights[0]:F2}, PNEUMONIA {weights[1]:F2}"));
        WriteSplit(split);
        return data;
    }

    private void WriteSplit(TrainValidationSplit split)
    {
        var lines = new List<string> { "path,label,patient,part" };
        lines.AddRange(split.Train.Select(r => $"{Csv.Escape(r.RelativePath)},{(int)r.Label},{Csv.Escape(r.PatientId)},train"));
        lines.AddRange(split.Validation.Select(r => $"{Csv.Escape(r.RelativePath)},{(int)r.Label},{Csv.Escape(r.PatientId)},validation"));
        AtomicFile.WriteAllText(Path.Combine(runDir, SplitFile), string.Join("\n", lines) + "\n");
    }

    private void WriteHistory(IReadOnlyList<EpochLogs> history)
    {
        var lines = new List<string> { "epoch,loss,accuracy,val_loss,val_accuracy,val_auc,lr,seconds,images_per_second" };
        lines.AddRange(history.Select(h => string.Create(CultureInfo.InvariantCulture,
            $"{h.Epoch},{h.Loss:R},{h.Accuracy:R},{h.ValLoss:R},{h.ValAccuracy:R},{h.ValAuc:R},{h.LearningRate:R},{h.Seconds:F1},{h.ImagesPerSecond:F1}")));
        AtomicFile.WriteAllText(Path.Combine(runDir, "history.csv"), string.Join("\n", lines) + "\n");
    }
}
