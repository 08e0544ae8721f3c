namespace Pneumo.Persistence;

/// <summary>Counts of a binary decision; positive = PNEUMONIA (label 1). Counted by <c>Evaluation</c>.</summary>
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

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
}
