using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>The quantile of split-conformal prediction, per class (<c>Persistence.ReferralRule</c>).</summary>
public static class ConformalFit
{
    /// <summary>
    /// The conformal quantile of <paramref name="scores"/> (nonconformity scores of one class's calibration images) at
    /// <paramref name="coverage"/>: the k-th smallest, k = ceil((n + 1) x coverage), so that a new image of that class,
    /// exchangeable with these, scores at most it with probability at least <paramref name="coverage"/>. 1 (every score
    /// admitted) when k &gt; n: too few images to promise that coverage any other way.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> scores, double coverage)
    {
        if (coverage is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(coverage));
        FiniteScores.Require(scores, "conformal fit");
        int n = scores.Count;
        int k = (int)Math.Ceiling((n + 1) * coverage - 1e-9);
        if (k > n || n == 0) return 1;
        var sorted = scores.OrderBy(s => s).ToArray();
        return sorted[Math.Max(k, 1) - 1];
    }

    /// <summary>A finding model's three-class referral: per class, the quantile of its images' 1 - P(class).</summary>
    public static FindingReferral FitClasses(IReadOnlyList<int> truth, IReadOnlyList<double[]> classes, double coverage, string fittedOn)
    {
        int k = classes.Count == 0 ? 0 : classes[0].Length;
        var perClass = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, truth.Count).Where(i => truth[i] == c).Select(i => 1 - classes[i][c]).ToList()).ToList();
        return new FindingReferral(coverage, perClass.Select(s => Quantile(s, coverage)).ToArray(), perClass.Select(s => s.Count).ToArray(), fittedOn);
    }

    /// <summary>
    /// Both classes' quantiles from calibrated probabilities of PNEUMONIA: NORMAL images score p (their probability of
    /// the wrong class), PNEUMONIA images 1 - p.
    /// </summary>
    public static (double Normal, double Pneumonia, int NormalCount, int PneumoniaCount) Fit(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities, double coverage)
    {
        ConfusionMatrix.Check(labels, probabilities);
        var normal = Enumerable.Range(0, labels.Count).Where(i => labels[i] == 0).Select(i => probabilities[i]).ToList();
        var pneumonia = Enumerable.Range(0, labels.Count).Where(i => labels[i] == 1).Select(i => 1 - probabilities[i]).ToList();
        return (Quantile(normal, coverage), Quantile(pneumonia, coverage), normal.Count, pneumonia.Count);
    }
}
