namespace Pneumo.Evaluation.Metrics;

/// <summary>The headline metrics, in the order every table, interval list and result file shows them.</summary>
/// <remarks>
/// The one list of metrics: the bootstrap, <c>metrics.json</c>'s intervals, the evaluate table and the study report
/// iterate it. The order is part of the files' layout (JSON keys, table columns), so new metrics go at the end.
/// </remarks>
public static class MetricRegistry
{
    public static readonly IReadOnlyList<IMetric> Headline =
    [
        new AucMetric(), new AccuracyMetric(), new SensitivityMetric(), new SpecificityMetric(), new PrecisionMetric(), new F1Metric(),
    ];

    /// <summary>Every headline metric's value on <paramref name="input"/>, by name, in registry order.</summary>
    public static Dictionary<string, double> Compute(MetricInput input) =>
        Headline.ToDictionary(m => m.Name, m => m.Compute(input));
}
