using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>Chooses a decision threshold on validation data (never on test).</summary>
public static class ThresholdSelector
{
    /// <summary>The conventional threshold of a sigmoid output.</summary>
    public const double Default = ModelMetadata.DefaultThreshold;

    /// <summary>The threshold a rule that needs only plain validation predictions chooses: 0.5, or the Youden point.</summary>
    /// <exception cref="ArgumentException">A rule that needs the perturbed predictions (<see cref="ChoosePooled"/>).</exception>
    public static double Choose(ThresholdRule rule, IReadOnlyList<int> labels, IReadOnlyList<double> scores) => rule.Kind switch
    {
        ThresholdRuleKind.Default => Default,
        ThresholdRuleKind.Youden => Youden(labels, scores),
        _ => throw new ArgumentException($"the {rule.Name} rule needs validation predictions under the perturbation battery", nameof(rule)),
    };

    /// <summary>The threshold a rule that needs the perturbation battery chooses from the validation predictions pooled over it (<c>default</c> is 0.5 either way).</summary>
    /// <exception cref="ArgumentException"><c>youden</c>, which is fitted on the plain validation predictions.</exception>
    public static double ChoosePooled(ThresholdRule rule, IReadOnlyList<int> pooledLabels, IReadOnlyList<double> pooledScores) => rule.Kind switch
    {
        ThresholdRuleKind.Default => Default,
        ThresholdRuleKind.Perturbed => Perturbed(pooledLabels, pooledScores),
        ThresholdRuleKind.Sensitivity => AtSensitivity(pooledLabels, pooledScores, rule.TargetSensitivity!.Value),
        _ => throw new ArgumentException($"the {rule.Name} rule is fitted on the plain validation predictions", nameof(rule)),
    };

    /// <summary>Whether <see cref="Choose"/> can apply <paramref name="rule"/> to plain validation predictions.</summary>
    public static bool NeedsOnlyValidation(ThresholdRule rule) => !rule.NeedsPerturbedPasses;

    /// <summary>
    /// The highest threshold whose sensitivity (scores &gt;= threshold called positive) is at least <paramref name="target"/>:
    /// the screening operating point. It sits halfway between the lowest positive score that must still be found and
    /// the next lower score, so that it does not graze a sample. 0 when there are no positives.
    /// </summary>
    public static double AtSensitivity(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double target)
    {
        if (target is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(target));
        var positives = Enumerable.Range(0, labels.Count).Where(i => labels[i] == 1).Select(i => scores[i]).OrderByDescending(s => s).ToList();
        if (positives.Count == 0) return 0;
        // The k highest positive scores must be found: k = ceil(target x P).
        int k = (int)Math.Ceiling(target * positives.Count - 1e-9);
        double cut = positives[Math.Clamp(k, 1, positives.Count) - 1];
        double below = scores.Where(s => s < cut).DefaultIfEmpty(0).Max();
        return (cut + below) / 2;
    }

    /// <summary>
    /// The <see cref="ThresholdRule.Perturbed"/> rule: the Youden point of the validation predictions of every
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
