using Pneumo.Audit;
using Pneumo.Evaluation.Metrics;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>
/// The card's "Evaluation": validation metrics at every rule model.json records, each evaluation's metrics with their
/// intervals, by finding, and by file-name group from the audits.
/// </summary>
public static class EvaluationSection
{
    public static void Write(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        doc.Heading(2, "Evaluation");
        Validation(doc, inputs);
        if (inputs.Test is null)
        {
            doc.Heading(3, "Test set");
            doc.NotEvaluated("test metrics", "no test evaluation was given to this card (`--evaluation`)", commands.EvaluateTest);
        }
        foreach (var e in inputs.Evaluations.OrderBy(e => e.IsTest ? 0 : 1)) Evaluated(doc, inputs, e);
        ByFileNameGroup(doc, inputs, commands);
    }

    private static void Validation(CardDocument doc, ModelCardInputs inputs)
    {
        var m = inputs.Metadata;
        doc.Heading(3, "Validation (the model's own validation part)");
        if (m.Validation is not { Count: > 0 } validation)
        {
            doc.NotEvaluated("validation metrics", "model.json records no validation metrics", null);
            return;
        }
        var inUse = validation.GetValueOrDefault(m.ThresholdMethod.Name) ?? validation.Values.First();
        doc.Paragraph($"{N(inUse.N)} images ({N(inUse.Tn + inUse.Fp)} NORMAL, {N(inUse.Tp + inUse.Fn)} PNEUMONIA); AUC {F(inUse.Auc)}. " +
                      "Metrics at each threshold rule model.json records, as point estimates (model.json records no intervals). The thresholds " +
                      "were fitted on these same images (except `default`, fixed at 0.5), so these numbers flatter the model.");
        doc.Table(["rule", "threshold", "accuracy", "sensitivity", "specificity"],
                  validation.Select(kv => (IReadOnlyList<string>)[RuleCell(kv.Key, m.ThresholdMethod.Name), T(kv.Value.Threshold), F(kv.Value.Accuracy),
                                                                   F(kv.Value.Sensitivity), F(kv.Value.Specificity)]));
        doc.Source(inputs.ModelFile);
    }

    /// <summary>A finding model's three classes: the confusion matrix, the three-class measures, bacterial vs viral beside Kermany et al.</summary>
    private static void Findings(CardDocument doc, Persistence.FindingMetrics f)
    {
        doc.Paragraph("**Three classes** (each image's most probable class; rows true, columns predicted):");
        doc.Table(["", .. f.Classes], f.Classes.Select((c, i) => (IReadOnlyList<string>)[c, .. f.ConfusionMatrix[i].Select(n => N(n))]));
        doc.Table(["measure", "value [95% CI]"], f.Metrics.Select(kv => (IReadOnlyList<string>)[kv.Key, Ci(kv.Value)]));
        doc.Paragraph($"**Bacterial vs viral** among the {N(f.BacterialVsViralImages)} pneumonia images (bacterial when P(bacterial) >= P(viral)), " +
                      "beside Kermany et al. 2018 on the same test set:");
        doc.Table(["measure", "value [95% CI]", "Kermany et al. 2018"],
                  f.BacterialVsViral.Select(kv => (IReadOnlyList<string>)[kv.Key, Ci(kv.Value),
                      Persistence.FindingMetrics.Kermany2018BacterialVsViral.TryGetValue(kv.Key, out var k) ? F(k) : ""]));
    }

    /// <summary>The rule's name, marked when it is the one in use.</summary>
    internal static string RuleCell(string rule, string inUse) => rule == inUse ? $"**{rule}** (in use)" : rule;

    private static void Evaluated(CardDocument doc, ModelCardInputs inputs, CardEvaluation e)
    {
        var r = e.Result;
        var m = inputs.Metadata;
        doc.Heading(3, e.IsTest ? "Test set" : $"Split `{r.Split}`");
        doc.Paragraph($"{N(r.N)} images ({N(r.Tn + r.Fp)} NORMAL, {N(r.Tp + r.Fn)} PNEUMONIA), at the threshold {T(r.Threshold)} (rule `{r.ThresholdMethod}`)" +
                      (r.ConfidenceIntervals is null ? "; no intervals recorded:" : $"; 95% bootstrap intervals over images ({N(r.BootstrapResamples)} resamples):"));
        var intervals = r.ConfidenceIntervals ?? [];
        var point = new Dictionary<string, double>
        {
            ["auc"] = r.Auc, ["accuracy"] = r.Accuracy, ["sensitivity"] = r.Sensitivity, ["specificity"] = r.Specificity,
            ["precision"] = r.Precision, ["f1"] = r.F1,
        };
        doc.Table(["metric", "value [95% CI]"],
                  MetricRegistry.Headline.Select(metric => (IReadOnlyList<string>)[metric.Heading,
                      intervals.TryGetValue(metric.Name, out var ci) ? Ci(ci) : point.TryGetValue(metric.Name, out var v) ? F(v) : "not recorded"]));
        doc.Paragraph($"Confusion matrix at {T(r.Threshold)}: TP {r.Tp}, FP {r.Fp}, TN {r.Tn}, FN {r.Fn} (PNEUMONIA is positive).");
        if (r.ThresholdMethod != m.ThresholdMethod.Name || Math.Abs(r.Threshold - m.Threshold) > 1e-9)
            doc.Paragraph($"**This evaluation decided at {T(r.Threshold)} (rule `{r.ThresholdMethod}`); the model now decides at {T(m.Threshold)} " +
                          $"(rule `{m.ThresholdMethod.Name}`)**: its metrics at the model's current operating point are not evaluated.");
        var others = r.AtThresholds.Where(kv => kv.Key != r.ThresholdMethod).ToList();
        if (others.Count > 0)
        {
            doc.Paragraph("At the other rules the evaluation recorded (point estimates):");
            doc.Table(["rule", "threshold", "accuracy", "sensitivity", "specificity"],
                      others.Select(kv => (IReadOnlyList<string>)[kv.Key, T(kv.Value.Threshold), F(kv.Value.Accuracy), F(kv.Value.Sensitivity), F(kv.Value.Specificity)]));
        }
        if (r.ByFinding is { Count: > 0 } findings)
        {
            doc.Paragraph($"**By finding** (from the file names), the share called PNEUMONIA at {T(r.Threshold)}: sensitivity for bacterial and viral " +
                          "pneumonia, 1 - specificity for normal images:");
            doc.Table(["finding", "n", "called PNEUMONIA [95% CI]"],
                      findings.Select(kv => (IReadOnlyList<string>)[kv.Key, N(kv.Value.N), Ci(kv.Value.FractionPredictedPneumonia)]));
        }
        else doc.Paragraph("By finding: not evaluated (this metrics.json has no `by_finding`).");
        if (r.Findings is { } f) Findings(doc, f);
        doc.Source(e.MetricsFile);
    }

    private static void ByFileNameGroup(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        doc.Heading(3, "By file-name group");
        doc.Paragraph($"The file names reveal acquisition groups: `{FileNameGroup.Im}` and `{FileNameGroup.Normal2Im}` (NORMAL), " +
                      $"`{FileNameGroup.Bacteria}` and `{FileNameGroup.Virus}` (PNEUMONIA). They differ in how the images were taken and marked.");
        if (inputs.Audits.Count == 0)
        {
            doc.NotEvaluated("results by file-name group", "no audit was given to this card (`--audit`)", commands.Audit(AuditSettings.Validation));
            return;
        }
        foreach (var a in inputs.Audits.OrderBy(a => a.Result.Split == AuditSettings.Validation ? 0 : 1))
        {
            var r = a.Result;
            doc.Paragraph($"**{SplitName(r.Split)}** ({N(r.N)} images{(r.Settings.Limit is int l ? $", at most {l} per class, a seeded subset" : "")}), at the threshold {T(r.Threshold)} (rule `{r.ThresholdMethod}`), " +
                          $"95% bootstrap intervals ({N(r.Settings.Bootstrap)} resamples):");
            doc.Table(["group", "n", "sensitivity [95% CI]", "specificity [95% CI]"],
                      r.Groups.Select(g => (IReadOnlyList<string>)[g.Group, N(g.N), Ci(g.Sensitivity), Ci(g.Specificity)]));
            if (Math.Abs(r.Threshold - inputs.Metadata.Threshold) > 1e-9)
                doc.Paragraph($"**This audit decided at {T(r.Threshold)}; the model now decides at {T(inputs.Metadata.Threshold)}** " +
                              $"(rule `{inputs.Metadata.ThresholdMethod.Name}`): its groups at the current operating point are not evaluated.");
            doc.Source(a.AuditFile);
        }
    }

    /// <summary>"Validation" or "Test set", or the split's name.</summary>
    internal static string SplitName(string split) => split switch
    {
        AuditSettings.Validation => "Validation",
        AuditSettings.Test => "Test set",
        _ => $"Split {split}",
    };
}
