using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>
/// The card's "Calibration", "Operating point" and "Referral": how the model turns its score into the answer a user
/// sees, from model.json (fitted on validation) and, when the evaluations measured them, how they held.
/// </summary>
public static class DecisionSection
{
    public static void Write(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        Calibration(doc, inputs, commands);
        OperatingPoint(doc, inputs, commands);
        Referral(doc, inputs, commands);
    }

    private static void Calibration(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        doc.Heading(2, "Calibration");
        if (inputs.Metadata.Calibration is { } c)
        {
            doc.Bullets(
            [
                $"Method: {c.Method} scaling, temperature {F(c.Temperature, "F4")} (p' = sigmoid(logit(p) / T)), fitted on {c.FittedOn}.",
                $"On those validation scores: expected calibration error (10 bins) {Opt(c.EceBefore)} before, {Opt(c.EceAfter)} after; " +
                    $"log-loss {Opt(c.LogLossBefore)} before, {Opt(c.LogLossAfter)} after.",
            ]);
            doc.Source(inputs.ModelFile);
        }
        else doc.NotEvaluated("calibration", "the model has no calibration in model.json: its probabilities are the network's as they are " +
                              "(evaluate it again after calibrating to measure the calibrated ones)", commands.Calibrate);
        EvaluationSections(doc, inputs, commands, "calibration", inputs.Metadata.Calibration is not null, e => e.Result.ExpectedCalibrationError is double ece
            ? $"expected calibration error (10 bins) of the probabilities as evaluated {F(ece, "F4")}." : null);
    }

    private static string Opt(double? v) => v is double d ? F(d, "F4") : "not recorded";

    private static void OperatingPoint(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        var m = inputs.Metadata;
        doc.Heading(2, "Operating point");
        doc.Paragraph($"The model decides with the rule **`{m.ThresholdMethod.Name}`**, threshold **{T(m.Threshold)}** (PNEUMONIA when the probability is at " +
                      $"least that): {Meaning(m.ThresholdMethod, m.Threshold)}.");
        var others = m.Thresholds.Where(kv => kv.Key != m.ThresholdMethod.Name).ToList();
        if (others.Count > 0)
        {
            doc.Paragraph("The other rules model.json records (fitted on validation, not in use):");
            doc.Bullets(others.Select(kv => $"`{kv.Key}` at {T(kv.Value)}" + (ThresholdRule.TryParse(kv.Key, out var rule) ? $": {Meaning(rule, kv.Value)}" : "")));
        }
        if (m.DecisionFittedOn is { } on) doc.Paragraph($"Fitted on {on}.");
        doc.Paragraph($"Another recorded rule can be put in use with `{commands.Calibrate} --threshold-rule RULE` (which also refits calibration and referral).");
        doc.Source(inputs.ModelFile);
    }

    /// <summary>The rule's meaning, without the threshold it starts with when it is the one shown beside it ("0.5, a fixed rule").</summary>
    private static string Meaning(ThresholdRule rule, double threshold) =>
        rule.Meaning.StartsWith(T(threshold) + ", ", StringComparison.Ordinal) ? rule.Meaning[(T(threshold).Length + 2)..] : rule.Meaning;

    private static void Referral(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        doc.Heading(2, "Referral");
        if (inputs.Metadata.Referral is { } r)
        {
            doc.Bullets(
            [
                $"Method: {r.Method}, target coverage {P(r.Coverage)} per class (the share of each class's images whose true label the model keeps in its answer).",
                $"Rule: {r.Describe()}. A referred image is answered REFER (\"uncertain: refer to a radiologist\"), with its probability.",
                $"Fitted on {r.FittedOn}: {N(r.NormalSamples)} NORMAL and {N(r.PneumoniaSamples)} PNEUMONIA scores.",
            ]);
            doc.Source(inputs.ModelFile);
        }
        else doc.NotEvaluated("referral", "the model has no referral rule in model.json: it always answers NORMAL or PNEUMONIA " +
                              "(evaluate it again after calibrating to measure its referrals)", commands.Calibrate);
        EvaluationSections(doc, inputs, commands, "referral", inputs.Metadata.Referral is not null, null);
    }

    /// <summary>
    /// An evaluation's own section on <paramref name="name"/> (<c>calibration</c>, <c>referral</c>) as the file gives it,
    /// or "not evaluated" with the command that writes it (when the model has what the section measures: otherwise the
    /// model's own "not evaluated" already says what to do).
    /// </summary>
    private static void EvaluationSections(CardDocument doc, ModelCardInputs inputs, CardCommands commands, string name, bool modelHasIt,
                                           Func<CardEvaluation, string?>? older)
    {
        if (inputs.Evaluations.Count == 0) return;
        foreach (var e in inputs.Evaluations)
        {
            var where = e.IsTest ? "test set" : $"split `{e.Result.Split}`";
            if (e.Section(name) is { } section)
            {
                doc.Paragraph($"On the {where} (`{name}` section of the evaluation):");
                doc.Table(["quantity", "value"], JsonSectionTable.Rows(section));
                doc.Source(e.MetricsFile);
                continue;
            }
            if (older?.Invoke(e) is { } line)
            {
                doc.Paragraph($"On the {where}: {line}");
                doc.Source(e.MetricsFile);
            }
            if (!modelHasIt) continue;
            doc.NotEvaluated($"{name} on the {where}",
                             $"{e.MetricsFile} has no `{name}` section (made before evaluate reported it, or for a model without {name})",
                             e.IsTest ? commands.EvaluateTest : null);
        }
    }
}
