using System.Globalization;

namespace Pneumo.Persistence;

/// <summary>
/// An evaluation's per-image results, <c>predictions.csv</c>: <c>path,label,probability</c> first (the probability users
/// see: calibrated when the model carries a calibration), then the network's own probability
/// (<c>uncalibrated_probability</c>) and the model's answer (<c>decision</c>: NORMAL, PNEUMONIA, or REFER when the model
/// has a referral rule and is not sure).
/// </summary>
/// <remarks>A finding model's rows end with its class columns (<c>class,p_normal,p_bacterial,p_viral</c>). Readers of plain predictions (<see cref="ResultFiles.ReadPredictions"/>) read the first three columns and ignore the rest.</remarks>
public sealed record EvaluationPredictions(Predictions Shown, IReadOnlyList<double> Uncalibrated, IReadOnlyList<string> Decisions)
{
    public const string Normal = "NORMAL";
    public const string Pneumonia = "PNEUMONIA";
    public const string Refer = "REFER";

    /// <summary>The model's answer for a (calibrated) probability: REFER when <paramref name="referral"/> refers it, else the threshold's label.</summary>
    public static string Decide(double probability, double threshold, ReferralRule? referral)
    {
        bool pneumonia = probability >= threshold;
        return referral is not null && referral.Refers(probability, pneumonia) ? Refer : pneumonia ? Pneumonia : Normal;
    }

    /// <summary>Writes the rows, atomically.</summary>
    public void WriteCsv(string path)
    {
        if (Uncalibrated.Count != Shown.Paths.Count || Decisions.Count != Shown.Paths.Count)
            throw new ArgumentException("one uncalibrated probability and one decision per image");
        var classes = Shown.ClassProbabilities;
        var lines = new List<string>(Shown.Paths.Count + 1) { ResultFiles.EvaluationPredictionsHeader + (classes is null ? "" : ResultFiles.ClassColumns) };
        for (int i = 0; i < Shown.Paths.Count; i++)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Csv.Escape(Shown.Paths[i])},{Shown.Labels[i]},{Shown.Probabilities[i]:R},{Uncalibrated[i]:R},{Decisions[i]}")
                + (classes is null ? "" : string.Create(CultureInfo.InvariantCulture, $",{Shown.Classes![i]},{classes[i][0]:R},{classes[i][1]:R},{classes[i][2]:R}")));
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }
}
