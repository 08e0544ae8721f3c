using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>How <see cref="BinaryMetrics"/> and <see cref="ConfusionMatrix"/> are computed from labels and scores.</summary>
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

    extension(ConfusionMatrix)
    {
        /// <summary>Counts for predictions <c>score &gt;= threshold</c> = positive.</summary>
        public static ConfusionMatrix At(IReadOnlyList<int> labels, IReadOnlyList<double> scores, double threshold)
        {
            Check(labels, scores);
            int tp = 0, fp = 0, tn = 0, fn = 0;
            for (int i = 0; i < labels.Count; i++)
            {
                bool predicted = scores[i] >= threshold, actual = labels[i] == 1;
                if (predicted && actual) tp++;
                else if (predicted) fp++;
                else if (actual) fn++;
                else tn++;
            }
            return new ConfusionMatrix(tp, fp, tn, fn);
        }

        /// <summary>Labels 0 or 1, as many as the scores, and every score finite (see <see cref="FiniteScores"/>).</summary>
        /// <exception cref="NonFiniteScoresException">A score is NaN or infinite.</exception>
        public static void Check(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
        {
            if (labels.Count != scores.Count)
                throw new ArgumentException($"{labels.Count} labels but {scores.Count} scores");
            foreach (var l in labels)
                if (l is not (0 or 1)) throw new ArgumentException($"labels must be 0 or 1, got {l}");
            FiniteScores.Require(scores, "the model");
        }
    }
}
