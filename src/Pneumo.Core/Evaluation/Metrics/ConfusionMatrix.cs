namespace Pneumo.Evaluation.Metrics;

/// <summary>Counts of a binary decision; positive = PNEUMONIA (label 1).</summary>
/// <remarks>Ratios whose denominator is zero are reported as 0 (as scikit-learn's <c>zero_division=0</c>).</remarks>
public readonly record struct ConfusionMatrix(int Tp, int Fp, int Tn, int Fn)
{
    public int N => Tp + Fp + Tn + Fn;
    public int Positives => Tp + Fn;
    public int Negatives => Tn + Fp;

    public double Accuracy => Ratio(Tp + Tn, N);
    public double Precision => Ratio(Tp, Tp + Fp);
    /// <summary>Recall = sensitivity = true positive rate.</summary>
    public double Recall => Ratio(Tp, Tp + Fn);
    public double Sensitivity => Recall;
    /// <summary>True negative rate.</summary>
    public double Specificity => Ratio(Tn, Tn + Fp);
    public double F1 => Ratio(2 * Tp, 2 * Tp + Fp + Fn);

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

    internal static void Check(IReadOnlyList<int> labels, IReadOnlyList<double> scores)
    {
        if (labels.Count != scores.Count)
            throw new ArgumentException($"{labels.Count} labels but {scores.Count} scores");
        foreach (var l in labels)
            if (l is not (0 or 1)) throw new ArgumentException($"labels must be 0 or 1, got {l}");
    }

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
}
