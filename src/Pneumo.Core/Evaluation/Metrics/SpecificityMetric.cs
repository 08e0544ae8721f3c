namespace Pneumo.Evaluation.Metrics;

/// <summary>Specificity (true negative rate): the fraction of NORMAL images called NORMAL.</summary>
/// <remarks>Undefined without negatives (reported as 0 then, left out of bootstrap intervals).</remarks>
public sealed class SpecificityMetric : IMetric
{
    public string Name => "specificity";
    public string Heading => "specificity";
    public double Compute(MetricInput input) => input.Counts.Specificity;
    public bool IsDefined(MetricInput input, double value) => input.Counts.Negatives > 0;
}
