namespace Pneumo.Evaluation.Metrics;

/// <summary>Area under the ROC curve (<see cref="RocCurve"/>): how well the scores rank positives above negatives.</summary>
/// <remarks>Threshold-free; undefined (NaN) when the input has one class only.</remarks>
public sealed class AucMetric : IMetric
{
    public string Name => "auc";
    public string Heading => "AUC";
    public double Compute(MetricInput input) => RocCurve.Compute(input.Labels, input.Scores).Auc;
    public bool IsDefined(MetricInput input, double value) => !double.IsNaN(value);
}
