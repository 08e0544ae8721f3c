using System.Globalization;

namespace Pneumo.Persistence;

/// <summary>
/// When a model says "not sure: refer": class-conditional split-conformal prediction (Vovk's Mondrian conformal
/// prediction; Angelopoulos and Bates, 2021). Each image gets a set of labels: NORMAL when its calibrated probability of
/// PNEUMONIA is at most <see cref="NormalQuantile"/>, PNEUMONIA when its probability of NORMAL (1 - p) is at most
/// <see cref="PneumoniaQuantile"/>. The quantiles are fitted per class on validation data so that each class's true label
/// is in the set with probability at least <see cref="Coverage"/> (for data exchangeable with the fit's).
/// </summary>
/// <remarks>
/// The decision shown is the threshold's label when the set is exactly that label, and REFER otherwise: a set with both
/// labels (either could be true at this coverage), with neither (unlike anything the fit saw), or one that disagrees
/// with the threshold. Referring more than the sets alone would never lowers coverage.
/// </remarks>
/// <param name="Coverage">The target coverage per class, e.g. 0.95.</param>
/// <param name="NormalQuantile">The conformal quantile of NORMAL images' nonconformity score (their probability of PNEUMONIA).</param>
/// <param name="PneumoniaQuantile">The conformal quantile of PNEUMONIA images' nonconformity score (their probability of NORMAL).</param>
/// <param name="NormalSamples">How many NORMAL scores the fit used.</param>
/// <param name="PneumoniaSamples">How many PNEUMONIA scores the fit used.</param>
/// <param name="FittedOn">Which data the fit used, for people.</param>
public sealed record ReferralRule(double Coverage, double NormalQuantile, double PneumoniaQuantile, int NormalSamples, int PneumoniaSamples,
                                  string FittedOn)
{
    /// <summary>The method's name in <c>model.json</c>.</summary>
    public string Method { get; init; } = "class-conditional split conformal";

    /// <summary>Whether NORMAL is in the set of an image with (calibrated) probability of PNEUMONIA <paramref name="probability"/>.</summary>
    public bool IncludesNormal(double probability) => probability <= NormalQuantile;

    /// <summary>Whether PNEUMONIA is in the set of an image with (calibrated) probability of PNEUMONIA <paramref name="probability"/>.</summary>
    public bool IncludesPneumonia(double probability) => 1 - probability <= PneumoniaQuantile;

    /// <summary>Whether to refer an image whose threshold label is <paramref name="pneumonia"/> (true = PNEUMONIA).</summary>
    public bool Refers(double probability, bool pneumonia)
    {
        bool normal = IncludesNormal(probability), sick = IncludesPneumonia(probability);
        return normal == sick || sick != pneumonia;
    }

    /// <summary>The range of probabilities that are referred, for people (e.g. "between 0.12 and 0.83").</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"an image is referred unless its probability of PNEUMONIA is at most {NormalQuantile:0.###} (NORMAL) or at least {1 - PneumoniaQuantile:0.###} (PNEUMONIA), at {Coverage * 100:0.#}% coverage per class");

    /// <summary>Whether the stored values can be used.</summary>
    public string? Problem() =>
        !(Coverage is > 0 and < 1) ? string.Create(CultureInfo.InvariantCulture, $"referral.coverage {Coverage} must be in (0, 1)")
        : !(NormalQuantile is >= 0 and <= 1) || !(PneumoniaQuantile is >= 0 and <= 1) ? "referral quantiles must be in [0, 1]"
        : null;
}
