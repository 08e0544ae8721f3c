using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>One operating point: predictions with <c>score &gt;= Threshold</c> are positive.</summary>
public readonly record struct RocPoint(double Fpr, double Tpr, double Threshold);

/// <summary>The ROC curve of scores against binary labels, and the area under it.</summary>
/// <remarks>
/// Points run from (0,0) (threshold +inf) to (1,1). Tied scores form one point, so a tie between a positive and a
/// negative contributes a diagonal segment (half credit), which makes <see cref="Auc"/> equal to the Mann-Whitney
/// probability P(score+ &gt; score-) + 0.5 P(score+ = score-). With only one class present the AUC is NaN.
/// Scores must be finite (<see cref="FiniteScores"/>): NaN is unequal to itself, and once made the loop spin forever.
/// </remarks>
public sealed class RocCurve
{
    private RocCurve(IReadOnlyList<RocPoint> points, double auc)
    {
        Points = points;
        Auc = auc;
    }

    public IReadOnlyList<RocPoint> Points { get; }
    public double Auc { get; }

    public static RocCurve Compute(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        ConfusionMatrix.Check(labels, scores);
        int positives = labels.Count(l => l == 1), negatives = labels.Count - positives;
        var order = Enumerable.Range(0, labels.Count).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        int tp = 0, fp = 0;
        double area = 0;
        for (int k = 0; k < order.Length;)
        {
            double threshold = scores[order[k]];
            int tpBefore = tp, fpBefore = fp;
            do  // at least one score per point, so the loop always advances
            {
                if (labels[order[k]] == 1) tp++; else fp++;
                k++;
            } while (k < order.Length && scores[order[k]] == threshold);
            area += (fp - fpBefore) * (tp + tpBefore) / 2.0;  // trapezoid in count units
            points.Add(new RocPoint(Rate(fp, negatives), Rate(tp, positives), threshold));
        }
        double auc = positives == 0 || negatives == 0 ? double.NaN : area / ((double)positives * negatives);
        return new RocCurve(points, auc);
    }

    private static double Rate(int count, int total) => total == 0 ? 0 : (double)count / total;
}
