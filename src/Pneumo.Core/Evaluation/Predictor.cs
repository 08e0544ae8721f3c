using Pneumo.Data;
using Pneumo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Evaluation;

/// <summary>Runs a model over images in evaluation mode and returns probabilities of PNEUMONIA.</summary>
public sealed class Predictor(ClassifierModel model, Preprocessing preprocessing)
{
    public ClassifierModel Model { get; } = model;
    public Preprocessing Preprocessing { get; } = preprocessing;

    /// <summary>Probabilities for one uint8 batch.</summary>
    public double[] Predict(Batch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Model.eval();
        var pixels = tensor(batch.Pixels, [batch.Count, 3, batch.Size, batch.Size], ScalarType.Byte);
        var probabilities = Model.PredictProbabilities(Preprocessing.Apply(pixels));
        return probabilities.to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>Probabilities for every image a loader serves (its un-augmented epoch 0), with labels.</summary>
    public Predictions Predict(BatchLoader loader, CancellationToken cancel = default)
    {
        var paths = new List<string>(loader.Records.Count);
        var labels = new List<int>(loader.Records.Count);
        var probabilities = new List<double>(loader.Records.Count);
        foreach (var batch in loader.Epoch(0, cancel))
        {
            probabilities.AddRange(Predict(batch));
            foreach (var r in batch.Records)
            {
                paths.Add(r.RelativePath);
                labels.Add((int)r.Label);
            }
        }
        return new Predictions(paths, labels, probabilities);
    }

    /// <summary>Probabilities for decoded images.</summary>
    public double[] Predict(IReadOnlyList<RgbImage> images) => images.Count == 0 ? [] : Predict(Batch.FromImages(images));
}
