namespace Pneumo.Evaluation.Metrics;

/// <summary>Fraction of images classified correctly at the threshold.</summary>
/// <remarks>The ratio lives on <see cref="Persistence.ConfusionMatrix"/> because <c>metrics.json</c>'s confusion block carries it too.</remarks>
public sealed class AccuracyMetric : IMetric
{
    public string Name => "accuracy";
    public string Heading => "accuracy";
    public double Compute(MetricInput input) => input.Counts.Accuracy;
}
