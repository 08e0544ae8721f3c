namespace Pneumo.Evaluation.Metrics;

/// <summary>Precision (positive predictive value): the fraction of PNEUMONIA calls that are right.</summary>
/// <remarks>Undefined when nothing is called PNEUMONIA (reported as 0 then, left out of bootstrap intervals).</remarks>
public sealed class PrecisionMetric : IMetric
{
    public string Name => "precision";
    public string Heading => "precision";
    public double Compute(MetricInput input) => input.Counts.Precision;
    public bool IsDefined(MetricInput input, double value) => input.Counts.Tp + input.Counts.Fp > 0;
}
