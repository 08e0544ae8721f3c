using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Training;

/// <summary>The optimisation loop of one epoch: class-weighted cross-entropy (binary for one logit, over the classes for several), Adam.</summary>
/// <remarks>The model owns only <c>forward</c>; this class owns the optimizer and the loss.</remarks>
public sealed class Trainer : IDisposable
{
    private readonly ClassifierModel model;
    private readonly Preprocessing preprocessing;
    private readonly Tensor classWeights;

    private readonly double[] groupScales;

    /// <summary>
    /// A trainer. The model's parameter groups learn at the rate times their scale: 1 for the head (depth 0), and
    /// <paramref name="backboneLrScale"/> x <paramref name="layerDecay"/>^(depth - 1) for pretrained layers (see
    /// <see cref="ClassifierModel.ParameterGroups"/>). <paramref name="weightDecay"/> &gt; 0 makes the optimizer AdamW.
    /// </summary>
    public Trainer(ClassifierModel model, Preprocessing preprocessing, double learningRate, double[] classWeights,
                   WeightAverage? average = null, bool flipAveraging = false, double backboneLrScale = 1.0,
                   double layerDecay = 1.0, double weightDecay = 0)
    {
        Average = average;
        FlipAveraging = flipAveraging;
        this.model = model;
        this.preprocessing = preprocessing;
        this.classWeights = tensor(classWeights.Select(w => (float)w).ToArray());
        var groups = model.ParameterGroups().Where(g => g.Parameters.Count > 0)
                          .Select(g => (g.Parameters, Scale: g.Depth == 0 ? 1.0 : backboneLrScale * Math.Pow(layerDecay, g.Depth - 1)))
                          .ToList();
        groupScales = groups.Select(g => g.Scale).ToArray();
        Optimizer = new ScalarSafeAdam(groups.Select(g => new TorchSharp.Modules.Adam.ParamGroup(g.Parameters, learningRate * g.Scale)),
                                       learningRate, weightDecay);
    }

    public ScalarSafeAdam Optimizer { get; }

    /// <summary>The moving average of the weights, updated after every step; evaluated instead of the raw weights when set.</summary>
    public WeightAverage? Average { get; }

    /// <summary>Evaluate as the mean of the probabilities of each image and its mirror image.</summary>
    public bool FlipAveraging { get; }

    /// <summary>The model whose predictions count: the weight average when there is one.</summary>
    public ClassifierModel EvaluatedModel => Average?.Model ?? model;

    /// <summary>Caches the output of the model's frozen front per image view (see <see cref="FrontCache"/>); null = none.</summary>
    public FrontCache? FrontCache { get; set; }

    /// <summary>
    /// A per-step schedule: before each step of epoch e (1-based), batch b (0-based), the rate becomes
    /// <see cref="ScheduledRate"/> x the schedule's factor at step (e - 1) x batches + b. Null = the rate is set from outside (callbacks).
    /// </summary>
    public WarmupCosineSchedule? Schedule { get; set; }

    /// <summary>The base rate the <see cref="Schedule"/> scales.</summary>
    public double ScheduledRate { get; set; }

    /// <summary>Called after every optimizer step, before the step's numbers are read (e.g. to hold pruned weights at zero).</summary>
    public Action? AfterStep { get; set; }

    /// <summary>Called with each phase's name as it ends (<see cref="StepPhases"/>, in that order): how a profiler times the real step.</summary>
    public Action<string>? PhaseEnded { get; set; }

    /// <summary>The phases of <see cref="Step(Tensor, Tensor, Func{Tensor, Tensor}?)"/>, in order.</summary>
    public static readonly IReadOnlyList<string> StepPhases = ["forward", "loss", "backward", "optimizer", "average", "readout"];

    /// <summary>The base learning rate (groups with a scale train at this times their scale).</summary>
    public double LearningRate
    {
        get => Optimizer.ParamGroups.First().LearningRate / groupScales[0];
        set
        {
            int i = 0;
            foreach (var g in Optimizer.ParamGroups) g.LearningRate = value * groupScales[i++];
        }
    }

    /// <summary>One step on one batch; returns (weighted loss, number correct at 0.5).</summary>
    public (double Loss, int Correct) Step(Batch batch)
    {
        using var scope = NewDisposeScope();
        var input = preprocessing.Input(batch);
        return Step(input, tensor(batch.Labels), x => FrontCache.Logits(model, batch, x, mirrored: false, FrontCache));
    }

    /// <summary>
    /// One step on a preprocessed batch [B, 3, H, W] with its labels [B] (class indices: 0/1 for one logit); returns
    /// (weighted loss, number correct: at 0.5 for one logit, the most probable class for several).
    /// <paramref name="logitsOf"/> replaces the model's forward (e.g. to read a frozen front from a cache).
    /// </summary>
    /// <remarks>
    /// One logit: binary cross-entropy, each image weighted by its class's weight, averaged over the batch (Keras's
    /// class_weight). Several: cross-entropy over the classes with the class weights, the weighted mean (PyTorch's
    /// <c>CrossEntropyLoss(weight)</c>).
    /// </remarks>
    public (double Loss, int Correct) Step(Tensor input, Tensor target, Func<Tensor, Tensor>? logitsOf = null)
    {
        using var scope = NewDisposeScope();
        model.train();
        var classes = target.to_type(ScalarType.Int64);
        Optimizer.zero_grad();
        var logits = logitsOf is null ? model.call(input) : logitsOf(input);
        PhaseEnded?.Invoke("forward");
        var loss = model.Outputs == 1
            ? nn.functional.binary_cross_entropy_with_logits(logits, target, weight: classWeights.index_select(0, classes))
            : nn.functional.cross_entropy(logits, classes, weight: classWeights);
        PhaseEnded?.Invoke("loss");
        loss.backward();
        PhaseEnded?.Invoke("backward");
        Optimizer.step();
        AfterStep?.Invoke();
        PhaseEnded?.Invoke("optimizer");
        Average?.Update(model);
        PhaseEnded?.Invoke("average");
        using var zero = 0.ToScalar();
        var right = model.Outputs == 1 ? logits.ge(zero).to_type(ScalarType.Float32).eq(target) : logits.argmax(1).eq(classes);
        var result = (loss.item<float>(), (int)right.sum().item<long>());
        PhaseEnded?.Invoke("readout");
        return result;
    }

    /// <summary>One pass over the loader's epoch; returns (mean loss, accuracy, images per second).</summary>
    public (double Loss, double Accuracy, double ImagesPerSecond) TrainOneEpoch(
        BatchLoader loader, int epoch, Action<int, double>? onBatch = null, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double lossSum = 0;
        int seen = 0, correct = 0, index = 0;
        foreach (var batch in loader.Epoch(epoch, cancel, recycle: true))
        {
            cancel.ThrowIfCancellationRequested();
            if (Schedule is { } schedule) LearningRate = ScheduledRate * schedule.Factor((epoch - 1L) * loader.BatchCount + index);
            var (loss, right) = Step(batch);
            lossSum += loss * batch.Count;
            seen += batch.Count;
            correct += right;
            onBatch?.Invoke(++index, lossSum / seen);
        }
        return (lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1), seen / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Predictions of the model on a loader (evaluation mode, no augmentation).</summary>
    public Predictions Evaluate(BatchLoader loader, CancellationToken cancel = default) =>
        new Predictor(EvaluatedModel, preprocessing, FlipAveraging, FrontCache).Predict(loader, cancel);

    public void Dispose()
    {
        classWeights.Dispose();
        Optimizer.Dispose();
        Average?.Dispose();
        FrontCache?.Dispose();
    }
}
