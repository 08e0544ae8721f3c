using System.Globalization;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Report;

/// <summary>
/// How a report entry really trained, from its records: the saved model's <c>model.json</c> (its preprocessing, the class
/// weights computed from its training part, weight averaging, test-time augmentation) and its history, else (a
/// cross-validation) what its configuration gives every fold.
/// </summary>
/// <param name="Epochs">Epochs run of the most allowed, and the best (kept) one.</param>
/// <param name="Input">What the network's input is (<see cref="Describe"/>).</param>
/// <param name="ClassWeights">The loss's class weights as computed from the training part.</param>
/// <param name="Averaging">Weight averaging and test-time flip averaging.</param>
/// <param name="PerImage">Whether the input is standardised per image; null = not recorded.</param>
/// <param name="Ema">Whether the weights are an exponential moving average.</param>
/// <param name="Flip">Whether predictions average the image and its mirror image.</param>
public sealed record TrainingSettings(string Epochs, string Input, string ClassWeights, string Averaging, bool? PerImage, bool Ema, bool Flip)
{
    public static TrainingSettings Of(ReportEntry e)
    {
        var c = e.Config;
        if (c is null) return new("", "not recorded", "not recorded", "not recorded", null, false, false);
        var m = e.Model;
        var ran = e.History?.Count;
        var epochs = m is null ? $"at most {c.Epochs} (per fold)" : $"{(ran is int r ? r.ToString(CultureInfo.InvariantCulture) : "?")} of {c.Epochs} (best {m.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "?"})";
        var preprocessing = m?.Preprocessing ?? (ModelRegistry.Contains(c.Architecture) ? ModelRegistry.Get(c.Architecture).PreprocessingFor(c) : null);
        var weights = !c.ClassWeights ? "none"
            : m?.Dataset is { ClassWeights: [var wn, var wp] } ? Weights(wn, wp)
            : "balanced, per fold";
        bool averaged = m?.AveragedWeights ?? c.EmaDecay > 0;
        var tta = m?.TestTimeAugmentation ?? c.TestTimeAugmentation;
        var averaging = string.Join(", ", new[]
        {
            averaged ? $"EMA {c.EmaDecay.ToString("0.####", CultureInfo.InvariantCulture)}" : "no EMA",
            tta == TestTimeAugmentation.HorizontalFlip ? "flip-averaged" : "no test-time flip",
        });
        return new(epochs, preprocessing is null ? "not recorded" : Describe(preprocessing), weights, averaging, preprocessing?.PerImageStandardize,
                   averaged, tta == TestTimeAugmentation.HorizontalFlip);
    }

    /// <summary>Equal weights are no weighting (a balanced subset, as a quick run's): said so, not "yes".</summary>
    private static string Weights(double normal, double pneumonia) =>
        Math.Abs(normal - pneumonia) < 0.005 ? "equal (balanced training part): none in effect"
            : string.Create(CultureInfo.InvariantCulture, $"NORMAL {normal:F2}, PNEUMONIA {pneumonia:F2}");

    /// <summary>What the network's input is: size, scaling, the mean subtracted, per-image standardisation, crop.</summary>
    public static string Describe(Preprocessing p)
    {
        var parts = new List<string> { $"{p.InputSize} px {p.ChannelOrder.ToString().ToUpperInvariant()}" };
        parts.Add(p.Scale == 1 ? "0-255" : "scaled to [0, 1]");
        if (p.MeanImage is { } mean) parts.Add($"minus mean image `{mean}`");
        if (p.Mean.Any(v => v != 0) || p.Std.Any(v => v != 1)) parts.Add("normalised per channel");
        parts.Add(p.PerImageStandardize ? "standardised per image" : "not standardised per image");
        if (p.CenterCrop < 1) parts.Add($"centre crop {p.CenterCrop.ToString("0.###", CultureInfo.InvariantCulture)}");
        return string.Join(", ", parts);
    }
}
