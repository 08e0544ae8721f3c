using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>
/// What masking one region does to the probability of PNEUMONIA, over the images of one class (or all):
/// delta = p(masked) - p(as seen).
/// </summary>
/// <param name="Variant">border, top_left or top_right.</param>
/// <param name="Class">NORMAL, PNEUMONIA or all.</param>
/// <param name="N">Images of the class.</param>
/// <param name="Threshold">The model's threshold, at which flips are counted.</param>
/// <param name="MeanAbsDelta">Mean |delta|.</param>
/// <param name="MeanDelta">Mean signed delta with its 95% bootstrap interval (negative: masking lowers the probability).</param>
/// <param name="Flips">Share of images whose label at <see cref="Threshold"/> changes, with its interval.</param>
/// <param name="ToPneumonia">Images that change from NORMAL to PNEUMONIA.</param>
/// <param name="ToNormal">Images that change from PNEUMONIA to NORMAL.</param>
public sealed record MaskingEffect(string Variant, string Class, int N, double Threshold, double MeanAbsDelta, ConfidenceInterval MeanDelta,
                                   ConfidenceInterval Flips, int ToPneumonia, int ToNormal)
{
    /// <summary>The masked variants in report order, with each row's masked probability.</summary>
    public static readonly IReadOnlyList<(string Name, Func<AuditRow, double> Masked)> Variants =
        [("border", r => r.PBorderMasked), ("top_left", r => r.PTopLeftMasked), ("top_right", r => r.PTopRightMasked)];

    /// <summary>Rows per variant for NORMAL, PNEUMONIA and all images (classes without images are left out).</summary>
    public static List<MaskingEffect> Summarize(IReadOnlyList<AuditRow> rows, double threshold, int resamples, int seed)
    {
        var result = new List<MaskingEffect>();
        int k = 0;
        foreach (var (name, masked) in Variants)
        foreach (var (cls, label) in new[] { ("NORMAL", (int?)0), ("PNEUMONIA", 1), ("all", null) })
        {
            var part = rows.Where(r => label is null || r.Label == label).ToList();
            k++;
            if (part.Count == 0) continue;
            result.Add(Compute(name, cls, part, masked, threshold, resamples, seed + k));
        }
        return result;
    }

    /// <summary>The effect of one variant over the given rows.</summary>
    public static MaskingEffect Compute(string variant, string cls, IReadOnlyList<AuditRow> rows, Func<AuditRow, double> masked,
                                        double threshold, int resamples, int seed)
    {
        var deltas = rows.Select(r => masked(r) - r.P).ToList();
        var flips = rows.Select(r => (r.P >= threshold) != (masked(r) >= threshold)).ToList();
        return new MaskingEffect(variant, cls, rows.Count, threshold, deltas.Select(Math.Abs).DefaultIfEmpty(double.NaN).Average(),
                                 MeanInterval.Of(deltas, resamples, seed), Bootstrap.Proportion(flips, resamples, seed),
                                 rows.Count(r => r.P < threshold && masked(r) >= threshold),
                                 rows.Count(r => r.P >= threshold && masked(r) < threshold));
    }
}
