using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>How <see cref="BinaryMetrics"/> are computed: a confusion matrix at the threshold, and the AUC.</summary>
public static class BinaryMetricsComputation
{
    extension(BinaryMetrics)
    {
        public static BinaryMetrics Compute(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold)
        {
            var cm = ConfusionMatrix.At(labels, scores, threshold);
            var auc = RocCurve.Compute(labels, scores).Auc;
            return new BinaryMetrics(cm.N, auc, cm.Accuracy, cm.Sensitivity, cm.Specificity, cm.Precision, cm.F1,
                                     threshold, cm.Tp, cm.Fp, cm.Tn, cm.Fn);
        }
    }

    extension(BinaryMetrics metrics)
    {
        public ConfusionMatrix Confusion => new(metrics.Tp, metrics.Fp, metrics.Tn, metrics.Fn);
    }
}
