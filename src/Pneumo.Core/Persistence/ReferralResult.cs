namespace Pneumo.Persistence;

/// <summary>
/// The <c>referral</c> part of <c>metrics.json</c>: how the model's referral rule (<see cref="ReferralRule"/>) did on an
/// evaluated split. Coverage is per class (the fraction of NORMAL images whose conformal set contains NORMAL, and the same
/// for PNEUMONIA: the rule promises at least <see cref="CoverageTarget"/> on data like its fit's); the referral rate and
/// the accuracy, sensitivity and specificity among the images the model decided (not referred) say what it costs and
/// what it buys. Each rate has its 95% bootstrap interval (resampling images).
/// </summary>
public sealed record ReferralResult
{
    /// <summary>The rule's per-class coverage target (e.g. 0.95).</summary>
    public required double CoverageTarget { get; init; }
    /// <summary>The rule, for people (<see cref="ReferralRule.Describe"/>).</summary>
    public required string Rule { get; init; }
    /// <summary>NORMAL is in an image's set when its probability of PNEUMONIA is at most this (<see cref="ReferralRule.NormalQuantile"/>).</summary>
    public required double NormalQuantile { get; init; }
    /// <summary>PNEUMONIA is in an image's set when its probability of NORMAL is at most this (<see cref="ReferralRule.PneumoniaQuantile"/>).</summary>
    public required double PneumoniaQuantile { get; init; }
    /// <summary>The threshold whose label a decided image gets (the model's, on the calibrated scale).</summary>
    public required double Threshold { get; init; }

    /// <summary>Images evaluated.</summary>
    public required int N { get; init; }
    public required int NormalImages { get; init; }
    public required int PneumoniaImages { get; init; }
    /// <summary>NORMAL images whose set contains NORMAL.</summary>
    public required int NormalCovered { get; init; }
    /// <summary>PNEUMONIA images whose set contains PNEUMONIA.</summary>
    public required int PneumoniaCovered { get; init; }
    /// <summary>Images answered REFER.</summary>
    public required int Referred { get; init; }
    public required int ReferredNormal { get; init; }
    public required int ReferredPneumonia { get; init; }
    /// <summary>Images answered NORMAL or PNEUMONIA; the counts below are among them.</summary>
    public required int Decided { get; init; }
    public required int DecidedTp { get; init; }
    public required int DecidedFp { get; init; }
    public required int DecidedTn { get; init; }
    public required int DecidedFn { get; init; }

    /// <summary><see cref="NormalCovered"/> / <see cref="NormalImages"/>.</summary>
    public required ConfidenceInterval NormalCoverage { get; init; }
    /// <summary><see cref="PneumoniaCovered"/> / <see cref="PneumoniaImages"/>.</summary>
    public required ConfidenceInterval PneumoniaCoverage { get; init; }
    /// <summary><see cref="Referred"/> / <see cref="N"/>.</summary>
    public required ConfidenceInterval ReferralRate { get; init; }
    /// <summary>Accuracy among the decided images; NaN when none is decided.</summary>
    public required ConfidenceInterval DecidedAccuracy { get; init; }
    /// <summary>Sensitivity among the decided images (TP / (TP + FN) of them); NaN without a decided PNEUMONIA image.</summary>
    public required ConfidenceInterval DecidedSensitivity { get; init; }
    /// <summary>Specificity among the decided images (TN / (TN + FP) of them); NaN without a decided NORMAL image.</summary>
    public required ConfidenceInterval DecidedSpecificity { get; init; }
}
