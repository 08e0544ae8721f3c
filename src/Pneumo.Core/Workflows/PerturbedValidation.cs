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
/// of the <see cref="ThresholdRule.Perturbed"/> rule, and a picture of how far its scores move when the acquisition does.
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

    /// <summary>The <c>perturbed</c> rule's threshold: the Youden point of all passes pooled.</summary>
    public double Threshold() => Threshold(ThresholdRule.Perturbed);

    /// <summary>A pooled rule's threshold (<c>perturbed</c>, <c>sensitivity:X</c>) from all passes pooled.</summary>
    public double Threshold(ThresholdRule rule) => ThresholdSelector.ChoosePooled(rule, PooledLabels, PooledScores);

    /// <summary>Every pass's labels, one after another.</summary>
    public IReadOnlyList<int> PooledLabels => Passes.SelectMany(p => p.Predictions.Labels).ToList();

    /// <summary>Every pass's probabilities, in the order of <see cref="PooledLabels"/>.</summary>
    public IReadOnlyList<double> PooledScores => Passes.SelectMany(p => p.Predictions.Probabilities).ToList();

    /// <summary>Writes <c>perturbation,path,label,probability</c> rows.</summary>
    public void WriteCsv(string path)
    {
        var lines = new List<string> { "perturbation," + ResultFiles.PredictionsHeader };
        foreach (var (name, p) in Passes)
            for (int i = 0; i < p.Paths.Count; i++)
                lines.Add($"{name},{Csv.Escape(p.Paths[i])},{p.Labels[i]},{p.Probabilities[i].ToString("R", CultureInfo.InvariantCulture)}");
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads what <see cref="WriteCsv"/> wrote: the passes in the file's order.</summary>
    /// <exception cref="InvalidDataException">Malformed; the message names the file and line.</exception>
    public static PerturbedValidation ReadCsv(string path)
    {
        var passes = new List<(string Name, List<string> Paths, List<int> Labels, List<double> Scores)>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (number++ == 0 || line.Length == 0) continue;
            var f = Csv.ParseLine(line);
            if (f.Count != 4 || f[2] is not ("0" or "1") || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || !double.IsFinite(p))
                throw new InvalidDataException($"{path}: line {number} is not perturbation,path,label,probability");
            if (passes.Count == 0 || passes[^1].Name != f[0]) passes.Add((f[0], [], [], []));
            passes[^1].Paths.Add(f[1]);
            passes[^1].Labels.Add(f[2] == "1" ? 1 : 0);
            passes[^1].Scores.Add(p);
        }
        if (passes.Count == 0) throw new InvalidDataException($"{path}: no predictions");
        return new PerturbedValidation(passes.Select(x => (x.Name, new Predictions(x.Paths, x.Labels, x.Scores))).ToList());
    }

    /// <summary>Whether these are the passes of the battery as it is now over exactly <paramref name="records"/>, in order.</summary>
    public bool Matches(IReadOnlyList<ImageRecord> records) =>
        Passes.Select(p => p.Perturbation).SequenceEqual(AcquisitionPerturbation.Battery.Select(b => b.Name))
        && Passes.All(p => p.Predictions.Paths.SequenceEqual(records.Select(r => r.RelativePath))
                           && p.Predictions.Labels.SequenceEqual(records.Select(r => (int)r.Label)));

    private static string Describe(string name, Predictions p)
    {
        var normal = Enumerable.Range(0, p.Labels.Count).Where(i => p.Labels[i] == 0).Select(i => p.Probabilities[i]).DefaultIfEmpty(double.NaN).Average();
        var m = BinaryMetrics.Compute(p.Labels, p.Probabilities, ThresholdSelector.Default);
        return string.Create(CultureInfo.InvariantCulture,
            $"validation under {name,-14} AUC {m.Auc:F4}  mean p(NORMAL images) {normal:F3}  at 0.5: sensitivity {m.Recall:F3} specificity {m.Specificity:F3}");
    }
}
