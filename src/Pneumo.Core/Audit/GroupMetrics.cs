using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>
/// Accuracy, sensitivity and specificity of one group of images at one threshold, each with its 95% bootstrap interval
/// (percentile, seeded; images resampled within the group).
/// </summary>
/// <remarks>
/// A group of one class has only one of sensitivity (PNEUMONIA) and specificity (NORMAL): the other is null, not 0, and
/// its accuracy equals the one it has.
/// </remarks>
public sealed record GroupMetrics(string Group, int N, double Threshold, ConfidenceInterval Accuracy,
                                  ConfidenceInterval? Sensitivity, ConfidenceInterval? Specificity)
{
    /// <summary>Per file-name group present in <paramref name="rows"/>, then per class and over all images.</summary>
    public static List<GroupMetrics> Summarize(IReadOnlyList<AuditRow> rows, double threshold, int resamples, int seed)
    {
        var parts = FileNameGroup.All.Select(g => (g, rows.Where(r => r.Group == g).ToList()))
            .Append(("NORMAL", rows.Where(r => r.Label == 0).ToList()))
            .Append(("PNEUMONIA", rows.Where(r => r.Label == 1).ToList()))
            .Append(("all", rows.ToList()));
        return parts.Where(p => p.Item2.Count > 0).Select((p, i) => Compute(p.Item1, p.Item2, threshold, resamples, seed + i)).ToList();
    }

    /// <summary>The metrics of <paramref name="rows"/> at <paramref name="threshold"/> (p &gt;= threshold is PNEUMONIA).</summary>
    public static GroupMetrics Compute(string group, IReadOnlyList<AuditRow> rows, double threshold, int resamples, int seed)
    {
        var positives = rows.Where(r => r.Label == 1).Select(r => r.P >= threshold).ToList();
        var negatives = rows.Where(r => r.Label == 0).Select(r => r.P < threshold).ToList();
        var correct = rows.Select(r => (r.P >= threshold) == (r.Label == 1)).ToList();
        return new GroupMetrics(group, rows.Count, threshold, Bootstrap.Proportion(correct, resamples, seed),
                                positives.Count > 0 ? Bootstrap.Proportion(positives, resamples, seed + 1000) : null,
                                negatives.Count > 0 ? Bootstrap.Proportion(negatives, resamples, seed + 2000) : null);
    }
}
