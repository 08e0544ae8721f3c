using System.Globalization;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Runtime;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using TorchSharp;

namespace Pneumo.Workflows;

/// <summary>
/// A training run in a folder: splits the data, trains with early stopping and learning-rate reduction on validation
/// loss, checkpoints every epoch, and finally writes the best weights as a model directory (the run folder itself).
/// </summary>
/// <remarks>
/// Files: <c>run.json</c> (config, data root, command, commit), <c>state.json</c> (progress, rewritten atomically each
/// epoch; both checked when read, see <see cref="RunFiles"/>), <c>checkpoints/epoch-NNN/</c> (last epoch's weights,
/// optimizer and a copy of <c>best.pt</c>, with a <see cref="CheckpointManifest"/> of their SHA-256 checked on resume),
/// <c>best.pt</c> (its SHA-256 recorded when written and checked before it is used), <c>history.csv</c>, <c>split.csv</c>, and at the end
/// <c>model.json</c>, <c>weights.pt</c>, <c>validation_predictions.csv</c>. Starting and resuming hold the folder's
/// <see cref="RunFolderLock"/>: a second process on the same folder is refused.
/// </remarks>
public sealed class TrainingRun
{
    private readonly string runDir;
    private readonly RunRecord run;
    private readonly IReadOnlyList<Callback> injected;

    private TrainingRun(string runDir, RunRecord run, IReadOnlyList<Callback>? callbacks)
    {
        this.runDir = runDir;
        this.run = run;
        injected = callbacks ?? [];
    }

    private TrainingConfig Config => run.Config;

    /// <summary>Augmentation draws per image for models with a frozen front (see <see cref="TrainingConfig.AugmentationPool"/>).</summary>
    public const int DefaultAugmentationPool = 6;

    /// <summary>Starts a new run in <paramref name="runDir"/> (which must not hold a run already).</summary>
    /// <remarks>With <c>split</c>, the run trains and validates on that split of the training set (e.g. a
    /// cross-validation fold, described by <c>splitDescription</c> in run.json) instead of the one the configuration
    /// draws, also when resumed.</remarks>
    public static ModelMetadata Start(TrainingConfig config, string dataRoot, string runDir, string command,
                                      IReadOnlyList<Callback>? callbacks = null, CancellationToken cancel = default,
                                      TrainValidationSplit? split = null, string? splitDescription = null)
    {
        using var folderLock = RunFolderLock.Acquire(runDir);
        if (File.Exists(Path.Combine(runDir, FileNames.Run)))
            throw new UserError($"{runDir}: already holds a run; use --resume {runDir} to continue it, or another --out");
        CheckpointManifest.RemoveStaleTemporaries(runDir);  // a start killed while writing run.json, under the lock now
        var record = new RunRecord(config, Path.GetFullPath(dataRoot), Provenance.Capture(command))
        {
            GivenSplit = split is null ? null : splitDescription ?? "given",
        };
        var run = new TrainingRun(runDir, record, callbacks);
        if (split is not null) run.WriteSplit(split);
        Json.Write(Path.Combine(runDir, FileNames.Run), record);
        return run.Execute(null, cancel);
    }

    /// <summary>Continues an interrupted run from its last checkpoint (or reports the finished model).</summary>
    /// <param name="runDir">The run folder.</param>
    /// <param name="callbacks">Callbacks added to the run's own (progress).</param>
    /// <param name="cancel">Stops the run after the current batch; the last finished epoch's checkpoint remains.</param>
    /// <param name="threads">Torch threads for this process (an execution setting, not part of the experiment); null = as recorded.</param>
    /// <param name="epochs">A new maximum number of epochs, recorded in run.json; at or below the epochs done, the run ends now with its best weights.</param>
    /// <param name="weightsPrecision">A new storage precision for the finished model's weights (how it ships, not how it trains), recorded in run.json; null = as recorded.</param>
    /// <param name="thresholdRule">A new threshold rule for the finished model (chosen on validation after training), recorded in run.json; null = as recorded.</param>
    public static ModelMetadata Resume(string runDir, IReadOnlyList<Callback>? callbacks = null, CancellationToken cancel = default,
                                       int? threads = null, int? epochs = null, WeightsPrecision? weightsPrecision = null,
                                       ThresholdRule? thresholdRule = null)
    {
        var runPath = Path.Combine(runDir, FileNames.Run);
        if (!File.Exists(runPath))
            throw new UserError(Directory.Exists(runDir) && Directory.EnumerateFiles(runDir, $".{FileNames.Run}.*.tmp").Any()
                ? $"{runDir}: the run was stopped while writing its {FileNames.Run}, before its first epoch: start it again (train --out {runDir})"
                : $"{runDir}: not a training run (no {FileNames.Run})");
        using var folderLock = RunFolderLock.Acquire(runDir);
        // Holding the lock, no other process is writing here: any temporary is a killed write's leftover.
        if (CheckpointManifest.RemoveStaleTemporaries(runDir) is > 0 and var removed)
            Say(callbacks, $"removed {removed} temporary file(s) left by an interrupted write");
        var record = RunFiles.ReadRun(runPath);
        if (threads is int t) record = record with { Config = record.Config with { Threads = t } };
        if (weightsPrecision is { } precision && precision != record.Config.WeightsPrecision)
        {
            // How the finished model is stored, not how it trains: may change, and is recorded.
            record = record with { Config = record.Config with { WeightsPrecision = precision } };
            Json.Write(runPath, record);
        }
        if (thresholdRule is { } rule && rule != record.Config.ThresholdRule)
        {
            // How the finished model decides, chosen on validation after training: may change, and is recorded.
            Say(callbacks, $"threshold rule changed from {record.Config.ThresholdRule.Name} to {rule.Name}");
            record = record with { Config = record.Config with { ThresholdRule = rule } };
            Json.Write(runPath, record);
        }
        if (epochs is int e && e != record.Config.Epochs)
        {
            if (e < 1) throw new UserError("--epochs must be at least 1");
            Say(callbacks, $"maximum epochs changed from {record.Config.Epochs} to {e}");
            record = record with { Config = record.Config with { Epochs = e } };
            Json.Write(runPath, record);
        }
        var statePath = Path.Combine(runDir, FileNames.State);
        var state = File.Exists(statePath) ? RunFiles.ReadState(statePath) : null;
        if (state is { Finished: true, Stop.Reason: StopReason.MaxEpochs } && epochs is int more && more > state.EpochsDone)
        {
            // A run that ended only because it ran out of epochs continues from its last checkpoint.
            Say(callbacks, $"continuing the finished run from epoch {state.EpochsDone + 1}");
            state = state with { Finished = false, Stop = null };
        }
        return new TrainingRun(runDir, record, callbacks).Execute(state, cancel);
    }

    /// <summary>
    /// Makes <paramref name="runDir"/> a finished model: nothing when it already is one, <see cref="Resume"/> when it holds an
    /// interrupted run, else <see cref="Start"/>. Used by the protocols that run many trainings (cross-validation, the study).
    /// </summary>
    /// <returns>The new model's metadata, or null when the folder already held a finished model.</returns>
    public static ModelMetadata? StartOrResume(TrainingConfig config, string dataRoot, string runDir, string command,
                                               IReadOnlyList<Callback>? callbacks = null, CancellationToken cancel = default,
                                               TrainValidationSplit? split = null, string? splitDescription = null)
    {
        if (ModelDirectory.Exists(runDir)) return null;
        return File.Exists(Path.Combine(runDir, FileNames.Run))
            ? Resume(runDir, callbacks, cancel, config.Threads > 0 ? config.Threads : null)
            : Start(config, dataRoot, runDir, command, callbacks, cancel, split, splitDescription);
    }

    /// <summary>The question the run's model learns to answer.</summary>
    private ModelTask Task => Config.EffectiveTask;

    private ModelMetadata Execute(TrainingState? state, CancellationToken cancel)
    {
        TorchThreads.Use(Config.Threads);
        var data = PrepareData();
        var arch = ModelRegistry.Get(Config.Architecture);
        var preprocessing = arch.PreprocessingFor(Config);
        torch.manual_seed(Config.Seed);
        int outputs = Task.Outputs();
        using var model = arch.Build(preprocessing.InputSize, Config.Backbone, outputs);
        model.MixedPrecision = Config.Precision == Precision.Bf16;
        if (Config.InitFrom is not null && state?.Checkpoint is null) Initialise(model, Config.InitFrom);
        var average = Config.EmaDecay > 0 ? new WeightAverage(model, arch.Build(preprocessing.InputSize, Config.Backbone, outputs), Config.EmaDecay) : null;
        using var trainer = new Trainer(model, preprocessing, Config.LearningRate, data.ClassWeights, average,
                                        flipAveraging: Config.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip,
                                        backboneLrScale: Config.BackboneLrScale, layerDecay: Config.LayerLrDecay, weightDecay: Config.WeightDecay);
        var best = new ModelCheckpoint(Path.Combine(runDir, FileNames.BestWeights), () => trainer.EvaluatedModel);
        var checkpoint = new EpochCheckpoint(runDir, model, trainer, best);
        var stateFile = new RunStateFile(runDir, state ?? new TrainingState { LearningRate = Config.LearningRate }, checkpoint, best, average);
        var fit = new FitLoop(trainer, Callbacks(best, checkpoint, stateFile), Config.Seed, EpochValidation.Metrics(runDir));
        if (stateFile.State.Checkpoint is not null) Restore(stateFile.State, model, trainer, fit.Context, best);
        if (stateFile.State.Stop is { } saved) fit.Context.RequestStop(saved);  // stopped, but killed before the model was written
        if (model.HasFrozenFront) trainer.FrontCache = new FrontCache();
        var (trainLoader, valLoader) = Loaders(data, preprocessing, model.HasFrozenFront);
        if (Config.Schedule == LearningRateSchedule.Cosine)
        {
            long perEpoch = trainLoader.BatchCount;
            trainer.Schedule = new WarmupCosineSchedule((long)Math.Round(Config.WarmupEpochs * perEpoch), Config.Epochs * perEpoch);
            trainer.ScheduledRate = Config.LearningRate;
        }

        var stop = stateFile.State.Finished && stateFile.State.Stop is null
            ? TrainingStop.MaxEpochs(Config.Epochs)  // a finished run saved without its reason: no epoch more
            : fit.Run(trainLoader, valLoader, stateFile.State.EpochsDone, Config.Epochs, cancel);
        var done = stateFile.State;
        Log($"training stopped: {stop.Message}; restoring the best weights (epoch {done.BestEpoch}, val_loss {done.BestValLoss:F4})");
        best.Verify();  // what ships is what was written
        model.LoadWeights(best.Path);
        var metadata = Finish(model, preprocessing, valLoader, data, done, stop.Message, trainer.FrontCache, cancel);
        Json.Write(Path.Combine(runDir, FileNames.State), done with { Finished = true, Stop = stop });
        return metadata;
    }

    /// <summary>
    /// The run's callbacks, in the order they are called: the injected ones (progress), early stopping, the configured
    /// learning-rate schedule, the best weights, then the epoch's commit: its checkpoint, then <c>state.json</c>.
    /// </summary>
    private List<Callback> Callbacks(ModelCheckpoint best, EpochCheckpoint checkpoint, RunStateFile stateFile)
    {
        var callbacks = new List<Callback>(injected) { new EarlyStopping("val_loss", Config.EarlyStoppingPatience, Config.MinDelta) };
        if (Config.Schedule == LearningRateSchedule.Plateau)
            callbacks.Add(new ReduceLrOnPlateau("val_loss", Config.ReduceLrFactor, Config.ReduceLrPatience, Config.MinLearningRate, Config.MinDelta));
        callbacks.AddRange([best, checkpoint, stateFile]);
        return callbacks;
    }

    /// <summary>Loads the last checkpoint of an interrupted run into the model, the optimizer, the weight average and the callbacks.</summary>
    private void Restore(TrainingState state, ClassifierModel model, Trainer trainer, TrainingContext context, ModelCheckpoint best)
    {
        var ckpt = Path.Combine(runDir, state.Checkpoint!);
        if (!CheckpointManifest.Verify(runDir, ckpt))
            Log($"{ckpt}: no {FileNames.CheckpointManifest} (written by an older Pneumo): the checkpoint is not verified");
        LoadCheckpointFile(Path.Combine(ckpt, FileNames.CheckpointWeights), f => model.LoadWeights(f));
        LoadCheckpointFile(Path.Combine(ckpt, FileNames.CheckpointOptimizer), f => trainer.Optimizer.load_state_dict(f));
        if (trainer.Average is { } average)
        {
            LoadCheckpointFile(Path.Combine(ckpt, FileNames.CheckpointAverage), f => average.Model.LoadWeights(f));
            average.Updates = state.AverageUpdates;
        }
        trainer.LearningRate = state.LearningRate;
        best.Restore(state.BestEpoch, state.BestValLoss);  // runs saved before the best weights were a callback
        context.Each(c => { if (state.Callbacks.TryGetValue(c.Name, out var saved)) c.LoadState(saved); });
        RestoreBestWeights(ckpt, best);
        Log($"resuming after epoch {state.EpochsDone} (learning rate {state.LearningRate:G3})");
    }

    /// <summary>
    /// Makes the run's <c>best.pt</c> the one the last checkpoint committed: a file that differs from the checkpoint's
    /// verified copy (damaged, or rewritten by an epoch killed before its commit) is replaced by it, and said so; then it
    /// is checked against the SHA-256 recorded in <c>state.json</c>.
    /// </summary>
    private void RestoreBestWeights(string ckpt, ModelCheckpoint best)
    {
        var copy = Path.Combine(ckpt, FileNames.BestWeights);
        if (File.Exists(copy) && (!File.Exists(best.Path) || FileHash.Sha256(best.Path) != FileHash.Sha256(copy)))
        {
            Log($"{best.Path}: damaged or altered, or written by an epoch that was not committed; restored from {copy}");
            AtomicFile.Write(best.Path, tmp => File.Copy(copy, tmp));
        }
        best.Verify();
    }

    /// <summary>The training loader (augmented, shuffled; a pool of draws for a frozen front) and the validation loader.</summary>
    private (BatchLoader Train, BatchLoader Validation) Loaders(TrainingData data, Preprocessing preprocessing, bool frozenFront)
    {
        int? pool = Config.AugmentationPool ?? (frozenFront ? DefaultAugmentationPool : null);
        var (prefetch, workers) = BatchLoader.ForThisProcess();
        var train = new BatchLoader(data.Split.Train, data.Cache, Config.BatchSize, Augmentation.For(Config.Augmentation), shuffle: true,
                                    seed: Config.Seed, prefetch: prefetch, augmentationPool: pool, prepare: preprocessing, workers: workers) { TargetTask = Task };
        var validation = new BatchLoader(data.Split.Validation, data.Cache, Config.BatchSize, prefetch: prefetch, prepare: preprocessing, workers: workers) { TargetTask = Task };
        return (train, validation);
    }

    /// <summary>A line of information to the injected callbacks (progress).</summary>
    private void Log(string message) => Say(injected, message);

    private static void Say(IReadOnlyList<Callback>? callbacks, string message)
    {
        foreach (var c in callbacks ?? []) c.OnLog(message);
    }

    private void Decoding(int done, int total)
    {
        foreach (var c in injected) c.OnDecoding(done, total);
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
        var metaPath = Path.Combine(modelDir, FileNames.ModelMetadata);
        if (!File.Exists(metaPath)) throw new UserError($"--init {modelDir}: not a model directory (no {FileNames.ModelMetadata})");
        // Verified as every model is (fields in range, weights_sha256 present and matching) before any weight is used.
        ModelMetadata source;
        using (var verified = ModelDirectory.Load(modelDir, Log)) source = verified.Metadata;
        if (source.Weights is null) throw new UserError($"--init {modelDir}: an ensemble ({source.Architecture}) has no weights of its own; initialise from one of its members");
        var weights = Path.Combine(modelDir, source.Weights);
        var loaded = new Dictionary<string, bool>();
        model.load(weights, strict: false, skip: model.PretrainedState.ToList(), loadedParameters: loaded);
        int count = loaded.Count(kv => kv.Value);
        if (count == 0) throw new UserError($"--init {modelDir}: its weights share nothing with a {Config.Architecture} model");
        Log($"initialised {count} weight tensors from {modelDir} ({source.Architecture})");
    }

    /// <summary>Validates the restored best weights, chooses the thresholds on validation, and writes the model directory.</summary>
    private ModelMetadata Finish(ClassifierModel model, Preprocessing preprocessing, BatchLoader valLoader,
                                 TrainingData data, TrainingState state, string reason, FrontCache? cache, CancellationToken cancel)
    {
        bool half = Config.WeightsPrecision == WeightsPrecision.Fp16;
        if (half) model.RoundToHalf();  // validate what ships
        var val = new Predictor(model, preprocessing, Config.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip, cache).Predict(valLoader, cancel);
        FiniteScores.Require(val.Probabilities, $"{runDir}: the best weights (epoch {state.BestEpoch}, validation)", val.Paths);
        val.WriteCsv(Path.Combine(runDir, FileNames.ValidationPredictions));
        var thresholds = ThresholdRule.PlainRules.ToDictionary(r => r.Name, r => ThresholdSelector.Choose(r, val.Labels, val.Probabilities));
        if (Config.ThresholdRule.NeedsPerturbedPasses)
        {
            Log($"the perturbed threshold rule: validation under {AcquisitionPerturbation.Battery.Count} acquisition perturbations");
            var perturbed = PerturbedValidation.Run(model, preprocessing, Config.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip,
                                                    data.Split.Validation, data.Cache, Config.BatchSize, val, Log, cancel);
            perturbed.WriteCsv(Path.Combine(runDir, FileNames.PerturbedValidationPredictions));
            thresholds[ThresholdRule.Perturbed.Name] = perturbed.Threshold();
            thresholds[Config.ThresholdRule.Name] = perturbed.Threshold(Config.ThresholdRule);
        }
        var metrics = thresholds.ToDictionary(t => t.Key, t => BinaryMetrics.Compute(val.Labels, val.Probabilities, t.Value));
        var metadata = new ModelMetadata
        {
            Architecture = Config.Architecture,
            Task = Config.Task,
            WeightsDtype = half ? "float16" : "float32",
            Preprocessing = preprocessing,
            Threshold = thresholds[Config.ThresholdRule.Name],
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
            Log($"validation at the {name} threshold {m.Threshold:F3}: AUC {m.Auc:F4}, accuracy {m.Accuracy:F4}, " +
                             $"sensitivity {m.Sensitivity:F4}, specificity {m.Specificity:F4}");
        Log($"model written to {runDir} ({reason}; {state.TrainingSeconds:F0} s of training)");
        return metadata;
    }

    private TrainingData PrepareData()
    {
        var data = run.GivenSplit is null
            ? TrainingData.Prepare(Config, run.DataRoot, Decoding, warn: Log)
            : TrainingData.FromSplitFile(Config, run.DataRoot, Path.Combine(runDir, FileNames.Split), Decoding, warn: Log);
        foreach (var f in data.Skipped) Log($"skipped: {f.Message}");
        Log(data.Cache.StoreDirectory is { } store
            ? $"images: from the image store in {store} ({data.Cache.Decoded} decoded this run)"
            : $"images: {data.Cache.Decoded} decoded into memory (image store off)");
        var split = data.Split;
        var weights = data.ClassWeights;
        var tc = ChestXrayDataset.ClassCounts(split.Train);
        var vc = ChestXrayDataset.ClassCounts(split.Validation);
        int patientsTrain = split.Train.Select(r => r.PatientId).Distinct().Count();
        int patientsVal = split.Validation.Select(r => r.PatientId).Distinct().Count();
        Log((run.GivenSplit is { } given ? $"split given ({given}): " : $"split by {Config.SplitBy.ToString().ToLowerInvariant()} (seed {Config.EffectiveSplitSeed}): ") +
                         $"train {split.Train.Count} images (NORMAL {tc[0]}, PNEUMONIA {tc[1]}; {patientsTrain} patients), " +
                         $"validation {split.Validation.Count} (NORMAL {vc[0]}, PNEUMONIA {vc[1]}; {patientsVal} patients)");
        if (Task == ModelTask.Finding)
        {
            var (ft, fv) = (TaskTargets.Counts(split.Train, Task), TaskTargets.Counts(split.Validation, Task));
            Log($"findings: train NORMAL {ft[0]}, BACTERIAL {ft[1]}, VIRAL {ft[2]}; validation NORMAL {fv[0]}, BACTERIAL {fv[1]}, VIRAL {fv[2]}");
            Log(string.Create(CultureInfo.InvariantCulture, $"class weights: NORMAL {weights[0]:F2}, BACTERIAL {weights[1]:F2}, VIRAL {weights[2]:F2}"));
        }
        else Log(string.Create(CultureInfo.InvariantCulture, $"class weights: NORMAL {weights[0]:F2}, PNEUMONIA {weights[1]:F2}"));
        WriteSplit(split);
        return data;
    }

    private void WriteSplit(TrainValidationSplit split) =>
        ResultFiles.WriteSplit(Path.Combine(runDir, FileNames.Split),
            split.Train.Select(r => Row(r, validation: false)).Concat(split.Validation.Select(r => Row(r, validation: true))));

    private static SplitRow Row(ImageRecord r, bool validation) => new(r.RelativePath, (int)r.Label, r.PatientId, validation);
}
