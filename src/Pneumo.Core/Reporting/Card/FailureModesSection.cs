using Pneumo.Audit;
using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>
/// The card's "Known failure modes", derived from the files only: where validation overstates the test, which file-name
/// group and finding the model gets wrong most often, what hiding the frame and markers changes, how far the
/// probabilities are off; then the limits of what was evaluated, and the analyses written beside the results.
/// </summary>
public static class FailureModesSection
{
    private static readonly string[] NormalGroups = [FileNameGroup.Im, FileNameGroup.Normal2Im];
    private static readonly string[] PneumoniaGroups = [FileNameGroup.Bacteria, FileNameGroup.Virus];

    public static void Write(CardDocument doc, ModelCardInputs inputs)
    {
        doc.Heading(2, "Known failure modes");
        var items = new List<string>();
        if (inputs.Test is { } test) items.AddRange(ValidationOverstates(inputs.Metadata, test));
        // The test audit when there is one (it names the validation figures beside its own), else the others.
        var audits = inputs.Audit(AuditSettings.Test) is { } testAudit ? [testAudit] : inputs.Audits;
        foreach (var a in audits)
        {
            items.AddRange(WorstGroup(a, inputs.Audits, NormalGroups, "NORMAL", "specificity", g => g.Specificity, "called PNEUMONIA"));
            items.AddRange(WorstGroup(a, inputs.Audits, PneumoniaGroups, "PNEUMONIA", "sensitivity", g => g.Sensitivity, "missed"));
            items.AddRange(Masking(a));
        }
        if (inputs.Test is { } t && inputs.Audit(AuditSettings.Test) is null) items.AddRange(Findings(t));
        foreach (var e in inputs.Evaluations.Where(e => e.Result.ExpectedCalibrationError is not null))
            items.Add($"**Probabilities** ({Where(e)}): the probabilities as evaluated differ from the observed frequencies by {F(e.Result.ExpectedCalibrationError!.Value, "F3")} " +
                      $"on average (expected calibration error, 10 bins; {doc.Link(e.MetricsFile)}).");
        if (items.Count == 0)
            items.Add("None derived: no evaluation or audit was given to this card, and validation alone (on which the thresholds were fitted) shows none.");
        items.Add($"**Untested data**: the model has seen only images of {KnownDatasets.Describe(inputs.Metadata.Dataset)}; other hospitals, devices, " +
                  "populations (e.g. adults), views and image processing are untested, and its answers there are unknown.");
        doc.Bullets(items);
        if (inputs.Discussions.Count > 0)
            doc.Paragraph("The analyses written with these results, by the people who ran them: " + string.Join(", ", inputs.Discussions.Select(doc.Link)) + ".");
    }

    private static string Where(CardEvaluation e) => e.IsTest ? "test set" : $"split `{e.Result.Split}`";

    private static string Adjective(string finding) => finding switch
    {
        "bacteria" => "Bacterial",
        "virus" => "Viral",
        _ => char.ToUpperInvariant(finding[0]) + finding[1..],
    };

    private static string Lower(string split) => EvaluationSection.SplitName(split).ToLowerInvariant();

    /// <summary>A metric whose validation value (same rule, same threshold) lies above the test interval.</summary>
    private static IEnumerable<string> ValidationOverstates(ModelMetadata m, CardEvaluation test)
    {
        var r = test.Result;
        if (m.Validation?.GetValueOrDefault(r.ThresholdMethod) is not { } v || Math.Abs(v.Threshold - r.Threshold) > 1e-9 || r.ConfidenceIntervals is null) yield break;
        foreach (var (name, validation) in new[] { ("specificity", v.Specificity), ("sensitivity", v.Sensitivity), ("accuracy", v.Accuracy) })
            if (r.ConfidenceIntervals.TryGetValue(name, out var ci) && validation > ci.Upper)
                yield return $"**{char.ToUpperInvariant(name[0])}{name[1..]} falls on the test set**: {Ci(ci)} on test against {F(validation)} " +
                             $"on validation at the same threshold {T(r.Threshold)} (rule `{r.ThresholdMethod}`): validation overstates it.";
    }

    /// <summary>The group of one class the model gets wrong most often in an audit, against the others (and the same group in the other audit).</summary>
    private static IEnumerable<string> WorstGroup(CardAudit audit, IReadOnlyList<CardAudit> all, string[] groups, string cls, string metric,
                                                  Func<GroupMetrics, ConfidenceInterval?> value, string wrong)
    {
        var present = groups.Select(audit.Group).OfType<GroupMetrics>().Where(g => value(g) is not null).ToList();
        if (present.Count < 2) yield break;
        var worst = present.MinBy(g => value(g)!.Estimate)!;
        var w = value(worst)!;
        // Named only when its interval lies wholly below another group's value: a difference of one or two images is no failure mode.
        if (!present.Any(g => g != worst && value(g)!.Estimate > w.Upper)) yield break;
        var rest = present.Where(g => g != worst).Select(g => $"{Ci(value(g))} for `{g.Group}` ({Count(1 - value(g)!.Estimate, g.N)} of {N(g.N)})");
        var other = all.Where(a => a.Result.Split != audit.Result.Split).Select(a => (a, g: a.Group(worst.Group))).Where(x => x.g is not null && value(x.g) is not null)
                       .Select(x => $"; on {Lower(x.a.Result.Split)}, `{worst.Group}` {F(value(x.g!)!.Estimate)} " +
                                    $"({Count(1 - value(x.g!)!.Estimate, x.g!.N)} of {N(x.g!.N)} {wrong})");
        yield return $"**{cls} images named `{worst.Group}` are {wrong} most often** ({Lower(audit.Result.Split)}): {metric} {Ci(w)} " +
                     $"({Count(1 - w.Estimate, worst.N)} of {N(worst.N)} {wrong}), against {string.Join(", ", rest)}{string.Concat(other)} " +
                     $"(audit, threshold {T(audit.Result.Threshold)}).";
    }

    /// <summary>What hiding each region changes, over all images of an audit, when it changes anything.</summary>
    private static IEnumerable<string> Masking(CardAudit audit)
    {
        var rows = audit.Result.Masking.Where(m => m.Class == "all" && m.ToPneumonia + m.ToNormal > 0).ToList();
        if (rows.Count == 0) yield break;
        yield return $"**Hiding the border or a corner changes some answers** ({Lower(audit.Result.Split)}): " +
                     string.Join("; ", rows.Select(m => $"{m.Variant.Replace('_', '-')} {Pci(m.Flips)} of images ({m.ToPneumonia} to PNEUMONIA, {m.ToNormal} to NORMAL)")) +
                     " (audit, masking).";
    }

    /// <summary>The finding missed most often, from the evaluation's by-finding shares (when no test audit gives the groups).</summary>
    private static IEnumerable<string> Findings(CardEvaluation e)
    {
        if (e.Result.ByFinding is not { } findings) yield break;
        var sick = findings.Where(kv => kv.Key != "normal").ToList();
        if (sick.Count < 2) yield break;
        var worst = sick.MinBy(kv => kv.Value.FractionPredictedPneumonia.Estimate);
        if (!sick.Any(kv => kv.Key != worst.Key && kv.Value.FractionPredictedPneumonia.Estimate > worst.Value.FractionPredictedPneumonia.Upper)) yield break;
        yield return $"**{Adjective(worst.Key)} pneumonia is missed most often** ({Where(e)}): sensitivity {Ci(worst.Value.FractionPredictedPneumonia)} " +
                     $"({Count(1 - worst.Value.FractionPredictedPneumonia.Estimate, worst.Value.N)} of {N(worst.Value.N)} missed), against " +
                     string.Join(", ", sick.Where(kv => kv.Key != worst.Key).Select(kv =>
                         $"{Ci(kv.Value.FractionPredictedPneumonia)} for {kv.Key} ({Count(1 - kv.Value.FractionPredictedPneumonia.Estimate, kv.Value.N)} of {N(kv.Value.N)})")) +
                     " (evaluation, by finding).";
    }
}
