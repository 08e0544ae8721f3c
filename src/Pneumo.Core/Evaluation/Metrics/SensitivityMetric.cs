namespace Pneumo.Evaluation.Metrics;

/// <summary>Sensitivity (recall, true positive rate): the fraction of PNEUMONIA images called PNEUMONIA.</summary>
/// <remarks>Undefined without positives (reported as 0 then, left out of bootstrap intervals).</remarks>
public sealed class SensitivityMetric : IMetric
{
    public string Name => "sensitivity";
    public string Heading => "sensitivity";
    public double Compute(MetricInput input) => input.Counts.Sensitivity;
    public bool IsDefined(MetricInput input, double value) => input.Counts.Positives > 0;
}
