using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>Chooses a decision threshold on validation data (never on test).</summary>
public static class ThresholdSelector
{
    /// <summary>The conventional threshold of a sigmoid output.</summary>
    public const double Default = ModelMetadata.DefaultThreshold;

    /// <summary>The threshold a rule chooses on validation data: 0.5, or the Youden point.</summary>
    /// <exception cref="ArgumentException"><see cref="ThresholdMethod.Perturbed"/>: it needs the perturbed predictions (<see cref="Perturbed"/>).</exception>
    public static double Choose(ThresholdMethod method, IReadOnlyList<int> labels, IReadOnlyList<double> scores) => method switch
    {
        ThresholdMethod.Default => Default,
        ThresholdMethod.Youden => Youden(labels, scores),
        ThresholdMethod.Perturbed => throw new ArgumentException("the perturbed rule needs validation predictions under the perturbation battery", nameof(method)),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Whether <see cref="Choose"/> can apply <paramref name="method"/> to plain validation predictions.</summary>
    public static bool NeedsOnlyValidation(ThresholdMethod method) => method != ThresholdMethod.Perturbed;

    /// <summary>
    /// The <see cref="ThresholdMethod.Perturbed"/> rule: the Youden point of the validation predictions of every
    /// perturbation of the battery, pooled (each image once per perturbation, the unperturbed one included).
    /// </summary>
    public static double Perturbed(IReadOnlyList<int> pooledLabels, IReadOnlyList<double> pooledScores) => Youden(pooledLabels, pooledScores);

    /// <summary>
    /// Youden's J: the threshold maximising sensitivity + specificity - 1. Among the cut points that reach the maximum
    /// (on well-separated validation data there is often a range of them), it returns the middle of the widest score gap
    /// that achieves it: the boundary with the largest margin on both sides, rather than one that grazes a sample.
    /// </summary>
    public static double Youden(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        var roc = RocCurve.Compute(labels, scores);
        if (double.IsNaN(roc.Auc)) return Default;
        var points = roc.Points;
        double best = double.NegativeInfinity;
        foreach (var p in points) best = Math.Max(best, p.Tpr - p.Fpr);

        // Point i (i >= 1) classifies scores >= points[i].Threshold as positive; any threshold in
        // (points[i+1].Threshold, points[i].Threshold] gives the same decisions.
        double chosen = Default, widest = -1;
        for (int i = 1; i < points.Count; i++)
        {
            if (points[i].Tpr - points[i].Fpr < best - 1e-12) continue;
            double upper = points[i].Threshold;
            double lower = i + 1 < points.Count ? points[i + 1].Threshold : Math.Min(0, upper);
            double gap = upper - lower;
            if (gap > widest) { widest = gap; chosen = (upper + lower) / 2; }
        }
        return chosen;
    }
}
