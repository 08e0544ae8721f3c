namespace Pneumo.Evaluation.Metrics;

/// <summary>One metric of (label, score) pairs at a threshold: its name and a pure function.</summary>
/// <remarks>
/// As in MONAI's <c>metrics/</c>, each metric is one small file, and everything that shows metrics (the bootstrap
/// intervals in <c>metrics.json</c>, the evaluate table, the study report) iterates <see cref="MetricRegistry"/>
/// instead of naming them, so adding a metric is its file, one line in the registry and its test.
/// <see cref="Name"/> is the key in <c>metrics.json</c> and <c>summary.json</c>, so it never changes once written.
/// </remarks>
public interface IMetric
{
    /// <summary>The key in result files (snake_case, e.g. <c>auc</c>).</summary>
    string Name { get; }

    /// <summary>The column heading in tables (e.g. <c>AUC</c>).</summary>
    string Heading { get; }

    /// <summary>The metric's value; a pure function of the input, no state.</summary>
    double Compute(MetricInput input);

    /// <summary>
    /// Whether <paramref name="value"/> means something on this input; a bootstrap resample where it does not (AUC
    /// with one class, sensitivity with no positives) is left out of the metric's interval.
    /// </summary>
    /// <remarks>Separate from the value because a ratio with a zero denominator is reported as 0, not NaN (as scikit-learn's <c>zero_division=0</c>).</remarks>
    bool IsDefined(MetricInput input, double value) => true;
}
