using System.Diagnostics;
using System.Globalization;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using TorchSharp;

namespace Pneumo.Workflows;

/// <summary>What one step of a sweep produced: its row, the measured sparsity and the per-image predictions.</summary>
public sealed record PruningOutcome(PruningRow Row, SparsityReport Sparsity, Predictions Validation, Predictions Test);

/// <summary>
/// Prunes a dense model at one sparsity at a time, optionally retrains it with the mask held fixed, and evaluates it on
/// the model's own validation part and on the test set, at its own threshold chosen on that validation part (and, for
/// comparison, at the dense model's threshold). Holds no files.
/// </summary>
/// <remarks>
/// Every step starts from the dense weights (one-shot pruning, not cumulative). Retraining follows the model's recorded
/// training configuration: its training part with its augmentation, its class weights, Adam at its learning rate, for
/// <see cref="PruningSettings.RetrainEpochs"/> epochs; the mask is re-applied after every optimizer step. Batch norm
/// statistics keep updating during retraining, as in training. As in a training run, validation loss is measured after
/// every retraining epoch, the learning rate is reduced on its plateau, and the weights of its lowest epoch are kept.
/// The threshold rule is the dense model's <c>threshold_method</c> (see <see cref="PruningRow.Of"/>); the test set is
/// only ever predicted, never used to choose a threshold, an epoch or a sparsity.
/// </remarks>
public sealed class PruningSweep : IDisposable
{
    private const int EvaluationBatchSize = 32;

    private readonly ModelDirectory dense;
    private readonly TrainingData data;
    private readonly PruningSettings settings;
    private readonly Action<string> log;
    private readonly BatchLoader validationLoader, testLoader;
    private readonly ClassifierModel working;

    /// <param name="dense">The model to prune (left unchanged).</param>
    /// <param name="data">Its training and validation parts, decoded (see <see cref="TrainingData.ForModel"/>).</param>
    /// <param name="test">Test images, decoded into <paramref name="data"/>'s cache.</param>
    /// <param name="settings">Scope, seed and retraining epochs.</param>
    /// <param name="log">One line per step and per retraining epoch.</param>
    public PruningSweep(ModelDirectory dense, TrainingData data, IReadOnlyList<ImageRecord> test, PruningSettings settings,
                        Action<string>? log = null)
    {
        if (dense.Metadata.Training is null && settings.RetrainEpochs > 0)
            throw new InvalidDataException($"{dense.Path}: model.json has no training configuration to retrain with");
        this.dense = dense;
        this.data = data;
        this.settings = settings;
        this.log = log ?? (_ => { });
        validationLoader = new BatchLoader(data.Split.Validation, data.Cache, EvaluationBatchSize);
        testLoader = new BatchLoader(test, data.Cache, EvaluationBatchSize);
        working = ModelRegistry.Get(dense.Metadata.Architecture).Build(dense.Metadata.Preprocessing.InputSize, dense.Metadata.Backbone);
    }

    /// <summary>The model of the last step (pruned, and retrained if the step was): what a caller may save.</summary>
    public ClassifierModel Model => working;

    /// <summary>The dense model's row (sparsity 0).</summary>
    public PruningOutcome EvaluateDense(CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        Reset();
        return Finish(PruningVariant.DenseName, 0, null, clock, cancel);
    }

    /// <summary>Prunes the dense weights as the step says, retrains if it says so, and evaluates.</summary>
    public PruningOutcome Run(PruningStep step, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        Reset();
        using var mask = Pruner.Create(working, step.Variant.Method, settings.Scope, step.Sparsity, settings.Seed);
        mask.Apply(working);
        var retrained = step.Variant.Retrained ? Retrain(mask, step, cancel) : null;
        return Finish(step.Variant.Name, step.Sparsity, retrained, clock, cancel);
    }

    private PruningOutcome Finish(string variant, double sparsity, Retrained? retrained, Stopwatch clock, CancellationToken cancel)
    {
        var measured = SparsityReport.Measure(working);
        var predictor = new Predictor(working, dense.Metadata.Preprocessing, FlipAveraging);
        var validation = retrained?.Validation ?? predictor.Predict(validationLoader, cancel);
        var test = predictor.Predict(testLoader, cancel);
        var row = PruningRow.Of(variant, sparsity, measured.Sparsity, validation, test, dense.Metadata.ThresholdMethod,
                                dense.Metadata.Threshold, CompressedSize.OfModule(working), Math.Round(clock.Elapsed.TotalSeconds, 1))
                  with { RetrainBestEpoch = retrained?.BestEpoch };
        log(string.Create(CultureInfo.InvariantCulture,
            $"{variant,-19} {sparsity:0.00}  zeros {measured.Sparsity:F4}  threshold {row.Threshold:F3}  validation acc {row.Validation.Accuracy:F4} " +
            $"AUC {row.Validation.Auc:F4} score {row.Validation.Score:F4}  test acc {row.Test.Accuracy:F4} AUC {row.Test.Auc:F4}  " +
            $"(dense threshold: validation acc {row.ValidationAtDenseThreshold.Accuracy:F4}, test acc {row.TestAtDenseThreshold.Accuracy:F4})  zip {row.ZipBytes / 1e6:F2} MB  {row.Seconds:F0}s"));
        return new PruningOutcome(row, measured, validation, test);
    }

    /// <summary>The retrained weights kept (those of lowest validation loss) and their validation predictions.</summary>
    private sealed record Retrained(int BestEpoch, Predictions Validation);

    /// <summary>
    /// Retrains the pruned working model with the mask held fixed, as a training run would (the same loop): the model's
    /// learning rate, validation loss after every epoch, the learning rate reduced on a plateau of it (the model's own
    /// factor and patience), and at the end the weights of the epoch of lowest validation loss restored.
    /// </summary>
    private Retrained Retrain(PruningMask mask, PruningStep step, CancellationToken cancel)
    {
        var config = dense.Metadata.Training!;
        using var trainer = new Trainer(working, dense.Metadata.Preprocessing, config.LearningRate, data.ClassWeights,
                                        flipAveraging: FlipAveraging);
        using var best = new RestoreBestWeights(working);
        var what = string.Create(CultureInfo.InvariantCulture, $"{step.Variant.Method.ToString().ToLowerInvariant()} {step.Sparsity:0.00}");
        var fit = new FitLoop(trainer,
            [
                new RetrainingProgress(what, log), best,
                new ReduceLrOnPlateau("val_loss", config.ReduceLrFactor, config.ReduceLrPatience, config.MinLearningRate, config.MinDelta),
                new HoldMask(mask, working), new LogLines(line => log("  " + line)),
            ],
            settings.Seed, EpochValidation.Metrics(producer: null));
        var (prefetch, workers) = BatchLoader.ForThisProcess();
        var loader = new BatchLoader(data.Split.Train, data.Cache, config.BatchSize, Augmentation.For(config.Augmentation),
                                     shuffle: true, seed: settings.Seed, prefetch: prefetch, workers: workers);
        fit.Run(loader, validationLoader, epochsDone: 0, settings.RetrainEpochs, cancel);
        if (best.BestEpoch < settings.RetrainEpochs)
            log($"  keeping the weights of retraining epoch {best.BestEpoch} (lowest val_loss {best.Best:F4})");
        return new Retrained(best.BestEpoch, best.BestValidation!);
    }

    private bool FlipAveraging => dense.Metadata.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip;

    /// <summary>Copies the dense weights and batch-norm statistics into the working model.</summary>
    private void Reset()
    {
        using var noGrad = torch.no_grad();
        var source = dense.Model.state_dict();
        foreach (var (name, tensor) in working.state_dict()) tensor.copy_(source[name]);
    }

    public void Dispose() => working.Dispose();
}
