namespace Pneumo.Persistence;

/// <summary>
/// When a finding model says "bacterial or viral: not sure": class-conditional split-conformal prediction over its three
/// classes, as <see cref="ReferralRule"/> does for pneumonia or not. Class c is in an image's set when 1 - P(c) is at
/// most <see cref="Quantiles"/>[c]; the quantiles are fitted per class on validation images so that each class's true
/// label is in the set with probability at least <see cref="Coverage"/>. Among BACTERIAL and VIRAL, a set holding both
/// (either could be true), or neither, refers the kind of pneumonia; the pneumonia decision itself stays the threshold's
/// and the pneumonia referral rule's.
/// </summary>
/// <param name="Coverage">The target coverage per class, e.g. 0.95.</param>
/// <param name="Quantiles">Per class (NORMAL, BACTERIAL, VIRAL), the conformal quantile of its images' 1 - P(class).</param>
/// <param name="Samples">Per class, how many validation images the fit used.</param>
/// <param name="FittedOn">Which data the fit used, for people.</param>
public sealed record FindingReferral(double Coverage, double[] Quantiles, int[] Samples, string FittedOn)
{
    /// <summary>The method's name in <c>model.json</c>.</summary>
    public string Method { get; init; } = "class-conditional split conformal over the three classes";

    /// <summary>The classes (indices) in the conformal set of an image with class probabilities <paramref name="classes"/>.</summary>
    public IReadOnlyList<int> Set(double[] classes) => Enumerable.Range(0, classes.Length).Where(c => 1 - classes[c] <= Quantiles[c]).ToList();

    /// <summary>Whether the kind of pneumonia is referred: the set's pneumonia classes are not exactly <paramref name="likely"/> (1 bacterial, 2 viral).</summary>
    public bool RefersKind(double[] classes, int likely)
    {
        var kinds = Set(classes).Where(c => c > 0).ToList();
        return kinds.Count != 1 || kinds[0] != likely;
    }
}
