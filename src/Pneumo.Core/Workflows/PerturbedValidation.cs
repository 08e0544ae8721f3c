using System.Globalization;
using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>
/// A model's validation predictions under every perturbation of <see cref="AcquisitionPerturbation.Battery"/>: the data
/// of the <see cref="ThresholdMethod.Perturbed"/> rule, and a picture of how far its scores move when the acquisition does.
/// </summary>
/// <param name="Passes">One validation pass per perturbation, in the battery's order (the first is the image as it is).</param>
public sealed record PerturbedValidation(IReadOnlyList<(string Perturbation, Predictions Predictions)> Passes)
{
    /// <summary>
    /// Predicts the validation images through each perturbation with the model's own preprocessing and test-time
    /// augmentation. <paramref name="unperturbed"/>, already computed, is the battery's <c>none</c> pass.
    /// </summary>
    public static PerturbedValidation Run(ClassifierModel model, Preprocessing preprocessing, bool flipAveraging, IReadOnlyList<ImageRecord> records,
                                          ImageCache cache, int batchSize, Predictions unperturbed, Action<string>? log = null,
                                          CancellationToken cancel = default)
    {
        var predictor = new Predictor(model, preprocessing, flipAveraging);  // no front cache: its entries are unperturbed views
        var (prefetch, workers) = BatchLoader.ForThisProcess();
        var passes = new List<(string, Predictions)>();
        foreach (var perturbation in AcquisitionPerturbation.Battery)
        {
            var predictions = perturbation.ChangesNothing
                ? unperturbed
                : predictor.Predict(new BatchLoader(records, cache, batchSize, prefetch: prefetch, prepare: preprocessing, workers: workers,
                                                    perturbation: perturbation), cancel);
            passes.Add((perturbation.Name, predictions));
            log?.Invoke(Describe(perturbation.Name, predictions));
        }
        return new PerturbedValidation(passes);
    }

    /// <summary>The rule's threshold: the Youden point of all passes pooled.</summary>
    public double Threshold()
    {
        var labels = Passes.SelectMany(p => p.Predictions.Labels).ToList();
        var scores = Passes.SelectMany(p => p.Predictions.Probabilities).ToList();
        return ThresholdSelector.Perturbed(labels, scores);
    }

    /// <summary>Writes <c>perturbation,path,label,probability</c> rows.</summary>
    public void WriteCsv(string path)
    {
        var lines = new List<string> { "perturbation," + ResultFiles.PredictionsHeader };
        foreach (var (name, p) in Passes)
            for (int i = 0; i < p.Paths.Count; i++)
                lines.Add($"{name},{Csv.Escape(p.Paths[i])},{p.Labels[i]},{p.Probabilities[i].ToString("R", CultureInfo.InvariantCulture)}");
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    private static string Describe(string name, Predictions p)
    {
        var normal = Enumerable.Range(0, p.Labels.Count).Where(i => p.Labels[i] == 0).Select(i => p.Probabilities[i]).DefaultIfEmpty(double.NaN).Average();
        var m = BinaryMetrics.Compute(p.Labels, p.Probabilities, ThresholdSelector.Default);
        return string.Create(CultureInfo.InvariantCulture,
            $"validation under {name,-14} AUC {m.Auc:F4}  mean p(NORMAL images) {normal:F3}  at 0.5: sensitivity {m.Recall:F3} specificity {m.Specificity:F3}");
    }
}
