using System.Globalization;
using Pneumo.Data;
using Pneumo.Persistence;

namespace Pneumo.Diagnosis;

/// <summary>Whether an image was referred instead of decided, and why: the <c>referral</c> object of the <see cref="Prediction"/> contract.</summary>
/// <remarks>
/// <para>
/// <see cref="Fitted"/> says whether a referral rule applied at all: one model with a rule in its <c>model.json</c>
/// (<c>pneumo calibrate</c> fits one). Without one (a model never calibrated, or the ad-hoc mean of several models,
/// whose mean probability no rule was fitted to) <see cref="Refer"/> is false and <see cref="Message"/> says so.
/// </para>
/// <para>
/// With a rule, <see cref="Refer"/> is <see cref="ReferralRule.Refers"/>; <see cref="Message"/> is
/// <see cref="Decisions.ReferMeaning"/> for a REFER (and <see cref="Reason"/> says which case), else why the label
/// stands. <see cref="Coverage"/> is the rule's per-class coverage; a probability of PNEUMONIA at most
/// <see cref="NormalUpTo"/> keeps NORMAL, at least <see cref="PneumoniaFrom"/> keeps PNEUMONIA (the page draws the band
/// between them); <see cref="Rule"/> is <see cref="ReferralRule.Describe"/>.
/// </para>
/// </remarks>
public sealed record ReferralOutcome(bool Fitted, bool Refer, string Message)
{
    /// <summary>For a REFER, which case: both labels plausible, neither, or only the one the threshold did not give.</summary>
    public string? Reason { get; init; }

    public double? Coverage { get; init; }

    /// <summary>The highest probability of PNEUMONIA at which NORMAL stays plausible (the rule's NORMAL quantile).</summary>
    public double? NormalUpTo { get; init; }

    /// <summary>The lowest probability of PNEUMONIA at which PNEUMONIA is plausible (1 - the rule's PNEUMONIA quantile).</summary>
    public double? PneumoniaFrom { get; init; }

    public string? Rule { get; init; }

    /// <summary>What <paramref name="rule"/> says about a probability of PNEUMONIA <paramref name="probability"/> whose threshold label is <paramref name="label"/>.</summary>
    public static ReferralOutcome Of(ReferralRule rule, double probability, ClassLabel label)
    {
        bool normal = rule.IncludesNormal(probability), pneumonia = rule.IncludesPneumonia(probability);
        bool refer = rule.Refers(probability, label == ClassLabel.Pneumonia);
        var share = string.Create(CultureInfo.InvariantCulture, $"{rule.Coverage:P0}");
        var coverage = share + " coverage per class";
        var kept = normal ? ClassLabel.Normal : ClassLabel.Pneumonia;
        // In the words of the fit: the NORMAL quantile is (about) the probability that share of the NORMAL validation
        // images stay at or below; the PNEUMONIA one, that share of the PNEUMONIA images stay at or above.
        string? reason = !refer ? null
            : normal && pneumonia ? $"both NORMAL and PNEUMONIA are plausible at {coverage}: validation images of both classes reach this probability"
            : !normal && !pneumonia ? $"neither label is plausible at {coverage}: the probability is above that of {share} of the NORMAL validation images and below that of {share} of the PNEUMONIA ones"
            : $"the referral rule keeps only {kept.FolderName()} at {coverage}, but the threshold says {label.FolderName()}";
        var message = refer ? Decisions.ReferMeaning : $"decided: {label.FolderName()} is the only label the referral rule keeps at {coverage}";
        return new ReferralOutcome(true, refer, message)
        {
            Reason = reason,
            Coverage = rule.Coverage,
            NormalUpTo = rule.NormalQuantile,
            PneumoniaFrom = 1 - rule.PneumoniaQuantile,
            Rule = rule.Describe(),
        };
    }

    /// <summary>No referral rule applies to a diagnosis by <paramref name="models"/> models: the decision is the label.</summary>
    public static ReferralOutcome None(int models) => new(false, false, models == 1
        ? "no referral rule: this model has none (pneumo calibrate fits one), so the decision is the threshold's label"
        : $"no referral rule: the mean of {models} models has none fitted (each model's own rule does not apply to the mean), so the decision is the threshold's label");
}
