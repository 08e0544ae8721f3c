namespace Pneumo.Persistence;

/// <summary>The headline metrics of a set of (label, score) pairs at one threshold (computed by <c>Evaluation</c>).</summary>
public sealed record BinaryMetrics(
    int N, double Auc, double Accuracy, double Sensitivity, double Specificity, double Precision, double F1,
    double Threshold, int Tp, int Fp, int Tn, int Fn)
{
    /// <summary>Recall is sensitivity.</summary>
    public double Recall => Sensitivity;
}
