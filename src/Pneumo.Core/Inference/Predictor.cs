using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Inference;

/// <summary>
/// The TorchSharp engine: runs a model over images in evaluation mode and returns probabilities of PNEUMONIA, as its
/// <see cref="ScoringDefinition"/> says. Not thread-safe (TorchSharp modules do not run concurrently).
/// </summary>
public sealed class Predictor : IScorer
{
    private readonly FrontCache? frontCache;

    /// <param name="model">The classifier, used in evaluation mode.</param>
    /// <param name="definition">Its preprocessing, test-time views and calibration (none: the network's probabilities as they are, for training and fitting).</param>
    /// <param name="frontCache">Where to keep the outputs of a frozen front between calls (training's validation passes); null = none.</param>
    public Predictor(ClassifierModel model, ScoringDefinition definition, FrontCache? frontCache = null)
    {
        Model = model;
        Definition = definition;
        this.frontCache = frontCache;
    }

    /// <param name="model">The classifier, used in evaluation mode.</param>
    /// <param name="preprocessing">The preprocessing its weights expect.</param>
    /// <param name="flipAveraging">
    /// Test-time augmentation: the probability is the mean of the image's and its mirror image's (<see cref="ImageViews"/>).
    /// </param>
    /// <param name="frontCache">Where to keep the outputs of a frozen front between calls; null = none.</param>
    /// <param name="calibration">Applied to each (averaged) probability; null = none.</param>
    public Predictor(ClassifierModel model, Preprocessing preprocessing, bool flipAveraging = false,
                     FrontCache? frontCache = null, ScoreCalibration? calibration = null)
        : this(model, new ScoringDefinition(preprocessing, ImageViews.Of(flipAveraging), calibration), frontCache) { }

    public ClassifierModel Model { get; }
    public ScoringDefinition Definition { get; }
    public Preprocessing Preprocessing => Definition.Preprocessing;
    public bool FlipAveraging => Definition.Views.Count > 1;
    public ScoreCalibration? Calibration => Definition.Calibration;

    public InferenceEngine Engine => InferenceEngine.TorchSharp;

    public bool Concurrent => false;

    /// <summary>A predictor configured as a saved model says (<see cref="ScoringDefinition.Of"/>: preprocessing, test-time augmentation, and, unless <paramref name="calibrated"/> is false, calibration).</summary>
    public static Predictor For(ModelDirectory model, bool calibrated = true) => new(model.Model, ScoringDefinition.Of(model.Metadata, calibrated));

    /// <summary>
    /// Batches of at most this many images go through the network together with their mirror images, as one batch
    /// (flip averaging): for the single image of a prediction that costs about 30% less CPU than two passes (a 224 px
    /// ResNet18 here), and larger batches gain little while needing twice the memory.
    /// </summary>
    public const int JointFlipBatch = 4;

    /// <summary>Probabilities of PNEUMONIA for one uint8 batch.</summary>
    public double[] Predict(Batch batch) => PredictClasses(batch).Probabilities;

    /// <summary>
    /// Probabilities of PNEUMONIA for one uint8 batch, and each image's class probabilities for a model of several
    /// outputs (null for one): the views' mean of the softmax, P(pneumonia) = the sum over the classes after NORMAL.
    /// Calibration applies to P(pneumonia) only.
    /// </summary>
    public (double[] Probabilities, double[][]? Classes) PredictClasses(Batch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Model.eval();
        var input = Preprocessing.Input(batch);
        var views = Definition.Views;
        Tensor View(ImageView view) => view == ImageView.Mirrored ? input.flip(3) : input;
        Tensor probabilities;
        if (views.Count > 1 && frontCache is null && batch.Count <= JointFlipBatch)
        {
            // In evaluation mode images do not interact: the same function as the passes below, in one.
            var all = Model.Probabilities(Model.call(cat(views.Select(View).ToArray(), 0)));
            probabilities = Mean(views.Count, i => all.narrow(0, i * batch.Count, batch.Count));
        }
        else
            probabilities = Mean(views.Count, i => Model.Probabilities(FrontCache.Logits(Model, batch, View(views[i]), views[i] == ImageView.Mirrored, frontCache)));
        double[][]? classes = null;
        if (Model.Outputs > 1)
        {
            var k = Model.Outputs;
            var flat = probabilities.to_type(ScalarType.Float64).data<double>().ToArray();
            classes = Enumerable.Range(0, batch.Count).Select(i => flat.AsSpan(i * k, k).ToArray()).ToArray();
            probabilities = probabilities.narrow(1, 1, k - 1).sum(1);
        }
        var result = probabilities.to_type(ScalarType.Float64).data<double>().ToArray();
        if (Calibration is { } c)
            for (int i = 0; i < result.Length; i++) result[i] = c.Apply(result[i]);
        return (result, classes);
    }

    /// <summary>The mean of <paramref name="count"/> views' probabilities (each weighted 1/count; one view as it is).</summary>
    private static Tensor Mean(int count, Func<int, Tensor> view)
    {
        if (count == 1) return view(0);
        using var weight = (1.0 / count).ToScalar();
        var sum = view(0).mul(weight);
        for (int i = 1; i < count; i++) sum = sum.add(view(i), alpha: weight);
        return sum;
    }

    /// <summary>Probabilities for every image a loader serves (its un-augmented epoch 0), with labels; <paramref name="scored"/> hears how many are done after each batch.</summary>
    public Predictions Predict(BatchLoader loader, CancellationToken cancel = default, IProgress<int>? scored = null)
    {
        var paths = new List<string>(loader.Records.Count);
        var labels = new List<int>(loader.Records.Count);
        var probabilities = new List<double>(loader.Records.Count);
        var classes = Model.Outputs > 1 ? new List<int>(loader.Records.Count) : null;
        var classProbabilities = Model.Outputs > 1 ? new List<double[]>(loader.Records.Count) : null;
        foreach (var batch in loader.Epoch(0, cancel, recycle: true))
        {
            var (pneumonia, perClass) = PredictClasses(batch);
            probabilities.AddRange(pneumonia);
            if (perClass is not null) classProbabilities!.AddRange(perClass);
            foreach (var r in batch.Records)
            {
                paths.Add(r.RelativePath);
                labels.Add((int)r.Label);
                classes?.Add(r.Target(ModelTask.Finding));
            }
            scored?.Report(paths.Count);
        }
        return new Predictions(paths, labels, probabilities) { Classes = classes, ClassProbabilities = classProbabilities };
    }

    /// <summary>Probabilities for decoded images.</summary>
    public double[] Predict(IReadOnlyList<RgbImage> images) => images.Count == 0 ? [] : Predict(Batch.FromImages(images));

    public double[] Score(IReadOnlyList<RgbImage> images) => Predict(images);

    /// <summary>The probability; no feature map (Grad-CAM runs its own pass, with gradients).</summary>
    public ImageScore Score(RgbImage image, bool features) => Score([image], features)[0];

    /// <summary>The probabilities in one batch; no feature maps (Grad-CAM runs its own pass, with gradients).</summary>
    public ImageScore[] Score(IReadOnlyList<RgbImage> images, bool features)
    {
        if (images.Count == 0) return [];
        var (probabilities, classes) = PredictClasses(Batch.FromImages(images));
        return probabilities.Select((p, i) => new ImageScore(p) { Classes = classes?[i] }).ToArray();
    }
}
