namespace Pneumo.Persistence;

/// <summary>
/// How a finding model (NORMAL, BACTERIAL, VIRAL) did: in <c>metrics.json</c> as <c>findings</c>. Each class is its
/// most probable class; every value carries a 95% bootstrap interval over images.
/// </summary>
/// <param name="Classes">The class names, the order of every row and column.</param>
/// <param name="ConfusionMatrix">Images by true class (rows) and predicted class (columns).</param>
/// <param name="Metrics">accuracy, macro_f1, weighted_f1, kappa (Cohen's), and auc_normal, auc_bacterial, auc_viral (each class one-vs-rest).</param>
/// <param name="BacterialVsViral">
/// Among the pneumonia images (true BACTERIAL or VIRAL), the second question: score P(bacterial) / (P(bacterial) +
/// P(viral)), called bacterial at 0.5 or above; accuracy, sensitivity (bacterial found), specificity (viral found), auc.
/// </param>
/// <param name="BacterialVsViralImages">How many pneumonia images that comparison counts.</param>
public sealed record FindingMetrics(IReadOnlyList<string> Classes, int[][] ConfusionMatrix,
                                    Dictionary<string, ConfidenceInterval> Metrics,
                                    Dictionary<string, ConfidenceInterval> BacterialVsViral, int BacterialVsViralImages)
{
    /// <summary>
    /// Kermany et al. 2018 (Cell 172:1122, Inception-V3 transfer learning), bacterial vs viral on the same test set:
    /// accuracy 90.7%, sensitivity 88.6%, specificity 90.9%, AUC 0.940; the reference beside which ours are shown.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> Kermany2018BacterialVsViral = new Dictionary<string, double>
    {
        ["accuracy"] = 0.907, ["sensitivity"] = 0.886, ["specificity"] = 0.909, ["auc"] = 0.940,
    };
}
