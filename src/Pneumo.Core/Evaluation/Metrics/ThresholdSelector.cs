using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>Chooses a decision threshold on validation data (never on test).</summary>
public static class ThresholdSelector
{
    /// <summary>The conventional threshold of a sigmoid output.</summary>
    public const double Default = ModelMetadata.DefaultThreshold;

    /// <summary>The names of the rules <see cref="Choose"/> knows, as recorded in <c>model.json</c>'s <c>threshold_method</c>.</summary>
    public static readonly IReadOnlyList<string> Methods = ["default", "youden"];

    /// <summary>The threshold a named rule chooses on validation data: <c>default</c> (0.5) or <c>youden</c>.</summary>
    /// <exception cref="ArgumentException">The rule is not one of <see cref="Methods"/>.</exception>
    public static double Choose(string method, IReadOnlyList<int> labels, IReadOnlyList<double> scores) => method switch
    {
        "default" => Default,
        "youden" => Youden(labels, scores),
        _ => throw new ArgumentException($"unknown threshold method '{method}' (known: {string.Join(", ", Methods)})", nameof(method)),
    };

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
