namespace Pneumo.Evaluation.Metrics;

/// <summary>F1: the harmonic mean of precision and sensitivity, 2TP / (2TP + FP + FN).</summary>
/// <remarks>Always counted in bootstrap intervals: with no true positives it is 0, which is what the model did.</remarks>
public sealed class F1Metric : IMetric
{
    public string Name => "f1";
    public string Heading => "F1";
    public double Compute(MetricInput input) => input.Counts.F1;
}
