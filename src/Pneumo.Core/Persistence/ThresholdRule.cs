using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

/// <summary>The kinds of rule that choose a model's decision threshold on validation data.</summary>
public enum ThresholdRuleKind
{
    /// <summary>0.5, the balanced-prior decision point of a model trained with class weights.</summary>
    Default,
    /// <summary>The validation split's Youden point (maximum sensitivity + specificity - 1).</summary>
    Youden,
    /// <summary>
    /// The Youden point of the validation split pooled over a battery of acquisition perturbations (exposure,
    /// contrast, compression, framing): a cut chosen where the classes overlap once the acquisition moves, not in the
    /// middle of the empty gap a near-separable split leaves.
    /// </summary>
    Perturbed,
    /// <summary>
    /// A screening rule: the highest threshold that keeps the sensitivity of the validation split, pooled over the
    /// perturbation battery, at or above a target (<c>sensitivity:0.97</c>).
    /// </summary>
    Sensitivity,
}

/// <summary>
/// A rule that chooses a decision threshold on validation data, by name: <c>default</c>, <c>youden</c>,
/// <c>perturbed</c> or <c>sensitivity:X</c> (X in (0, 1)). The name is what <c>model.json</c> records
/// (<c>threshold_method</c>, the keys of <c>thresholds</c>), what <c>--threshold-rule</c> accepts and what the front ends show.
/// </summary>
[JsonConverter(typeof(ThresholdRuleJsonConverter))]
public readonly record struct ThresholdRule
{
    private ThresholdRule(ThresholdRuleKind kind, double? target)
    {
        Kind = kind;
        TargetSensitivity = target;
    }

    public ThresholdRuleKind Kind { get; }

    /// <summary>The X of <c>sensitivity:X</c>; null for the other rules.</summary>
    public double? TargetSensitivity { get; }

    public static ThresholdRule Default { get; } = new(ThresholdRuleKind.Default, null);
    public static ThresholdRule Youden { get; } = new(ThresholdRuleKind.Youden, null);
    public static ThresholdRule Perturbed { get; } = new(ThresholdRuleKind.Perturbed, null);

    /// <summary>The screening rule that keeps pooled validation sensitivity at or above <paramref name="target"/>.</summary>
    public static ThresholdRule Sensitivity(double target) =>
        target is > 0 and < 1 ? new(ThresholdRuleKind.Sensitivity, Math.Round(target, 4)) : throw new ArgumentOutOfRangeException(nameof(target));

    /// <summary>The screening targets every fitted model records (<c>pneumo calibrate</c>): 0.95, 0.97, 0.99.</summary>
    public static IReadOnlyList<ThresholdRule> StandardScreening { get; } = [Sensitivity(0.95), Sensitivity(0.97), Sensitivity(0.99)];

    /// <summary>The rules that need only the plain validation predictions.</summary>
    public static IReadOnlyList<ThresholdRule> PlainRules { get; } = [Default, Youden];

    /// <summary>Whether it needs the validation predictions under the acquisition perturbation battery.</summary>
    public bool NeedsPerturbedPasses => Kind is ThresholdRuleKind.Perturbed or ThresholdRuleKind.Sensitivity;

    /// <summary>The rule's name, e.g. <c>youden</c> or <c>sensitivity:0.97</c>.</summary>
    public string Name => Kind switch
    {
        ThresholdRuleKind.Default => "default",
        ThresholdRuleKind.Youden => "youden",
        ThresholdRuleKind.Perturbed => "perturbed",
        _ => "sensitivity:" + TargetSensitivity!.Value.ToString("0.####", CultureInfo.InvariantCulture),
    };

    /// <summary>What the rule means, for people (the page, reports, model cards).</summary>
    public string Meaning => Kind switch
    {
        ThresholdRuleKind.Default => "0.5, a fixed rule (the balanced decision point of a model trained with class weights), not fitted to data",
        ThresholdRuleKind.Youden => "the point that maximises sensitivity + specificity on the model's validation images",
        ThresholdRuleKind.Perturbed => "the point that maximises sensitivity + specificity on the model's validation images seen under 8 acquisition changes (exposure, contrast, JPEG compression, framing)",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"a screening point: the highest threshold that still finds at least {TargetSensitivity * 100:0.#}% of the pneumonia cases among the model's validation images seen under 8 acquisition changes"),
    };

    public override string ToString() => Name;

    /// <summary>Every accepted form, for messages.</summary>
    public const string Accepted = "default, youden, perturbed or sensitivity:X (X between 0 and 1, e.g. sensitivity:0.97)";

    public static bool TryParse(string? text, out ThresholdRule rule)
    {
        rule = Default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "default": rule = Default; return true;
            case "youden": rule = Youden; return true;
            case "perturbed": rule = Perturbed; return true;
        }
        const string prefix = "sensitivity:";
        if (t.StartsWith(prefix, StringComparison.Ordinal)
            && double.TryParse(t[prefix.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x is > 0 and < 1)
        {
            rule = Sensitivity(x);
            return true;
        }
        return false;
    }

    /// <summary>The rule named <paramref name="text"/>.</summary>
    /// <exception cref="UserError">Not a rule; the message names <paramref name="option"/> and the accepted forms.</exception>
    public static ThresholdRule Parse(string text, string option) =>
        TryParse(text, out var rule) ? rule : throw new UserError($"{option} must be {Accepted}, not '{text}'");
}

/// <summary>Writes a <see cref="ThresholdRule"/> as its name and reads it back.</summary>
public sealed class ThresholdRuleJsonConverter : JsonConverter<ThresholdRule>
{
    public override ThresholdRule Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return ThresholdRule.TryParse(text, out var rule) ? rule : throw new JsonException($"not a threshold rule ({ThresholdRule.Accepted})");
    }

    public override void Write(Utf8JsonWriter writer, ThresholdRule value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
