using Pneumo.Data;

namespace Pneumo.Diagnosis;

/// <summary>What a diagnosis tells its reader: NORMAL, PNEUMONIA, or REFER the image to a radiologist.</summary>
/// <remarks>
/// NORMAL and PNEUMONIA are the threshold's label, kept when the model's referral rule (<c>Persistence.ReferralRule</c>)
/// is sure of it; REFER replaces the label when the rule is not. A model without a referral rule, and the ad-hoc mean
/// of several models, always decide: their decision is the label.
/// </remarks>
public enum Decision
{
    Normal,
    Pneumonia,
    Refer,
}

/// <summary>The names of <see cref="Decision"/> every front end shows.</summary>
public static class Decisions
{
    /// <summary>The name of <see cref="Decision.Refer"/>.</summary>
    public const string ReferName = "REFER";

    /// <summary>What a REFER means, in every front end's words.</summary>
    public const string ReferMeaning = "uncertain: refer to a radiologist";

    /// <summary>The decision that keeps the threshold's <paramref name="label"/>.</summary>
    public static Decision Of(ClassLabel label) => label == ClassLabel.Pneumonia ? Decision.Pneumonia : Decision.Normal;

    /// <summary>NORMAL, PNEUMONIA or REFER.</summary>
    public static string Name(this Decision decision) => decision switch
    {
        Decision.Normal => ClassLabel.Normal.FolderName(),
        Decision.Pneumonia => ClassLabel.Pneumonia.FolderName(),
        _ => ReferName,
    };

    /// <summary>The name, and for a REFER what it means: "REFER (uncertain: refer to a radiologist)".</summary>
    public static string Display(this Decision decision) => decision == Decision.Refer ? $"{ReferName} ({ReferMeaning})" : decision.Name();
}
