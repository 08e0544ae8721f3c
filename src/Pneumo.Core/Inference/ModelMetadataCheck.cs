using System.Globalization;
using System.Text.Json.Nodes;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>
/// Checks a <c>model.json</c> before its model is built: every field a prediction depends on must be in range, so a
/// damaged or edited file is refused with a message naming each bad field instead of giving wrong answers.
/// </summary>
public static class ModelMetadataCheck
{
    /// <summary>The smallest and largest input sizes a model may declare, in pixels per side.</summary>
    public const int MinInputSize = 32, MaxInputSize = 1024;

    /// <summary>The fewest pixels per side (of the input size) the centre crop may keep.</summary>
    public const int MinCropPixels = 16;

    /// <summary>
    /// The fields of a <c>model.json</c> document that must name one value of an enum setting: one sentence per field
    /// that names none, and the field removed from <paramref name="json"/> (so the rest can still be read and checked).
    /// </summary>
    public static List<string> NamedValueProblems(JsonObject json)
    {
        var problems = new List<string>();
        void Check<T>(JsonObject? parent, string field, string path) where T : struct, Enum
        {
            if (parent?[field] is not { } node) return;
            if (node.GetValueKind() == System.Text.Json.JsonValueKind.String && EnumNames.TryParse<T>(node.GetValue<string>(), out _)) return;
            problems.Add($"{path} {node.ToJsonString()} is unknown (known: {string.Join(", ", EnumNames.All<T>())})");
            parent.Remove(field);
        }
        Check<TestTimeAugmentation>(json, "test_time_augmentation", "test_time_augmentation");
        Check<EnsembleCombination>(json, "combination", "combination");
        if (json["threshold_method"] is { } rule
            && !(rule.GetValueKind() == System.Text.Json.JsonValueKind.String && ThresholdRule.TryParse(rule.GetValue<string>(), out _)))
        {
            problems.Add($"threshold_method {rule.ToJsonString()} is unknown (known: {ThresholdRule.Accepted})");
            json.Remove("threshold_method");
        }
        Check<ChannelOrder>(json["preprocessing"] as JsonObject, "channel_order", "preprocessing.channel_order");
        return problems;
    }

    /// <summary>One short sentence per bad field, each starting with the field's JSON name; empty when the metadata is sound.</summary>
    public static IReadOnlyList<string> Problems(ModelMetadata m)
    {
        var problems = new List<string>();
        void Bad(string text) => problems.Add(text);
        if (m.FormatVersion < 1 || m.FormatVersion > ModelMetadata.CurrentFormatVersion)
            Bad($"format_version {m.FormatVersion} is not one this Pneumo reads (1..{ModelMetadata.CurrentFormatVersion})");
        if (m.IsEnsemble) problems.AddRange(EnsembleProblems(m));
        else
        {
            if (string.IsNullOrEmpty(m.Architecture) || !ModelRegistry.Contains(m.Architecture))
                Bad($"architecture '{m.Architecture}' is unknown (known: {string.Join(", ", ModelRegistry.Names)})");
            if (string.IsNullOrWhiteSpace(m.Weights) || m.Weights != Path.GetFileName(m.Weights) || m.Weights is "." or "..")
                Bad($"weights '{m.Weights}' must be a file name inside the model directory");
            if (m.Combination is not null) Bad("combination is set but members is missing (only an ensemble combines models)");
        }
        if (m.WeightsSha256 is { } sha && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower)))
            Bad("weights_sha256 must be 64 lower-case hex digits");
        if (!IsProbability(m.Threshold)) Bad($"threshold {Number(m.Threshold)} is not a finite number in [0, 1]");
        foreach (var (method, value) in m.Thresholds ?? [])
            if (!IsProbability(value)) Bad($"thresholds.{method} {Number(value)} is not a finite number in [0, 1]");
        foreach (var method in (m.Thresholds ?? []).Keys)
            if (!ThresholdRule.TryParse(method, out _)) Bad($"thresholds.{method} is not a threshold rule ({ThresholdRule.Accepted})");
        if (m.Calibration?.Problem() is { } calibration) Bad(calibration);
        if (m.Referral?.Problem() is { } referral) Bad(referral);
        // Pruning's retraining and cross-validation reuse the recorded configuration: a batch_size of 0 divided by zero there.
        if (m.Training?.Validate() is { } training) Bad($"training is out of range ({training})");
        if (m.Preprocessing is not { } p)
        {
            Bad("preprocessing is missing");
            return problems;
        }
        if (p.InputSize is < MinInputSize or > MaxInputSize)
            Bad($"preprocessing.input_size {p.InputSize} is outside {MinInputSize}..{MaxInputSize}");
        else if (ModelRegistry.Contains(m.Architecture ?? "") && ModelRegistry.Get(m.Architecture!).FixedInputSize is int only && p.InputSize != only)
            Bad($"preprocessing.input_size {p.InputSize} is not one {m.Architecture} takes (only {only})");
        else if (p.MeanImage is not null && p.InputSize != MeanImages.Size)
            Bad($"preprocessing.input_size {p.InputSize} does not match the {MeanImages.Size}x{MeanImages.Size} mean image");
        // Above 1 is not a crop; a tiny one keeps a few pixels stretched over the input (1e-9 scored a NORMAL X-ray 0.9993).
        if (!double.IsFinite(p.CenterCrop) || p.CenterCrop is <= 0 or > 1)
            Bad($"preprocessing.center_crop {Number(p.CenterCrop)} is not a finite number in (0, 1]");
        else if (p.CenterCrop * p.InputSize < MinCropPixels)
            Bad($"preprocessing.center_crop {Number(p.CenterCrop)} keeps under {MinCropPixels} of the {p.InputSize} input pixels per side");
        if (!double.IsFinite(p.Scale) || p.Scale <= 0) Bad($"preprocessing.scale {Number(p.Scale)} must be a positive finite number");
        if (p.Mean is not { Length: 3 } || !p.Mean.All(double.IsFinite))
            Bad($"preprocessing.mean must be three finite numbers, got {Numbers(p.Mean)}");
        if (p.Std is not { Length: 3 } || !p.Std.All(s => double.IsFinite(s) && s > 0))
            Bad($"preprocessing.std must be three positive finite numbers, got {Numbers(p.Std)}");
        if (p.MeanImage is not null && !MeanImages.Names.Contains(p.MeanImage))
            Bad($"preprocessing.mean_image '{p.MeanImage}' is unknown (known: {string.Join(", ", MeanImages.Names)})");
        return problems;
    }

    /// <summary>An ensemble's own fields: at least two members, each a path and a weights hash, and how they combine.</summary>
    private static IEnumerable<string> EnsembleProblems(ModelMetadata m)
    {
        if (m.Members!.Count < 2) yield return $"members lists {m.Members.Count} model directories; an ensemble needs at least 2";
        for (int i = 0; i < m.Members.Count; i++)
        {
            var member = m.Members[i];
            if (member is null || string.IsNullOrWhiteSpace(member.Path)) yield return $"members[{i}].path is missing";
            else if (member.WeightsSha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigitLower))
                yield return $"members[{i}].weights_sha256 must be 64 lower-case hex digits (the member's weights when the ensemble was built)";
        }
        if (m.Combination is null) yield return $"combination is missing (known: {string.Join(", ", EnumNames.All<EnsembleCombination>())})";
        if (m.Architecture?.StartsWith(EnsembleModel.Prefix + "(", StringComparison.Ordinal) != true)
            yield return $"architecture '{m.Architecture}' is not an ensemble's (e.g. {EnsembleModel.Describe(["resnet18-full", "resnet18-full"])})";
    }

    private static bool IsProbability(double value) => double.IsFinite(value) && value is >= 0 and <= 1;

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Numbers(double[]? values) => values is null ? "nothing" : "[" + string.Join(", ", values.Select(Number)) + "]";
}
