namespace Pneumo.Evaluation.Metrics;

/// <summary>The headline metrics of a set of (label, score) pairs at one threshold.</summary>
public sealed record BinaryMetrics(
    int N, double Auc, double Accuracy, double Sensitivity, double Specificity, double Precision, double F1,
    double Threshold, int Tp, int Fp, int Tn, int Fn)
{
    /// <summary>Recall is sensitivity.</summary>
    public double Recall => Sensitivity;

    public ConfusionMatrix Confusion => new(Tp, Fp, Tn, Fn);

    public static BinaryMetrics Compute(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold)
    {
        var cm = ConfusionMatrix.At(labels, scores, threshold);
        var auc = RocCurve.Compute(labels, scores).Auc;
        return new BinaryMetrics(cm.N, auc, cm.Accuracy, cm.Sensitivity, cm.Specificity, cm.Precision, cm.F1,
                                 threshold, cm.Tp, cm.Fp, cm.Tn, cm.Fn);
    }
}
