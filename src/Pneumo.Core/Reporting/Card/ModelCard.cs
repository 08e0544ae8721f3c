using Pneumo.Persistence;
using Pneumo.Reporting.Report;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>What <see cref="ModelCard.Write"/> wrote.</summary>
public sealed record ModelCardResult(string MarkdownFile, string HtmlFile, string Markdown, IReadOnlyList<MissingSection> Missing);

/// <summary>
/// A model card (Mitchell et al., 2019) from result files only: <c>MODEL_CARD.md</c> and a self-contained
/// <c>MODEL_CARD.html</c>: model details, intended use, training data and split, evaluation (validation, test with
/// intervals, by finding, by file-name group), calibration, operating point, referral, the shortcut audit, known failure
/// modes and provenance.
/// </summary>
/// <remarks>
/// Every number is read from the file the section cites (<c>model.json</c>, <c>split.csv</c>, <c>history.csv</c>, an
/// evaluation's <c>metrics.json</c>, an audit's <c>audit.json</c>), and rounded, never recomputed. A section without a
/// source says "Not evaluated" with the command that would fill it, and the card's head lists them all.
/// </remarks>
public static class ModelCard
{
    public static ModelCardResult Write(ModelCardInputs inputs, string outDir, string command)
    {
        var provenance = Provenance.Capture(command);
        var commands = new CardCommands(inputs.ModelDirectory, inputs.Name);
        var body = new CardDocument(outDir);
        ModelDetailsSection.Write(body, inputs);
        TrainingDataSection.Write(body, inputs);
        EvaluationSection.Write(body, inputs, commands);
        DecisionSection.Write(body, inputs, commands);
        AuditSection.Write(body, inputs, commands);
        FailureModesSection.Write(body, inputs);
        ProvenanceSection.Write(body, inputs, provenance);

        var head = new CardDocument(outDir);
        head.Heading(1, $"Model card: {inputs.Name}");
        head.Paragraph(ModelDetailsSection.NotForClinicalUse);
        head.Paragraph("Every number below is read from the file its section cites (model.json, split.csv, history.csv, an evaluation's metrics.json, " +
                       $"an audit's audit.json) and rounded; none is recomputed. Made {provenance.CreatedUtc} at commit `{Commit(provenance.Commit)}` (command under Provenance).");
        Summary(head, inputs);
        Missing(head, body.Missing);

        var markdown = head.Markdown + body.Markdown;
        Directory.CreateDirectory(outDir);
        var md = Path.Combine(outDir, FileNames.ModelCardMarkdown);
        var html = Path.Combine(outDir, FileNames.ModelCardHtml);
        AtomicFile.WriteAllText(md, markdown);
        AtomicFile.WriteAllText(html, MarkdownHtml.Convert(markdown, outDir, $"Model card: {inputs.Name}"));
        return new ModelCardResult(md, html, markdown, body.Missing);
    }

    /// <summary>The card in three lines: the model, its operating point, and its headline test result when there is one.</summary>
    private static void Summary(CardDocument doc, ModelCardInputs inputs)
    {
        var m = inputs.Metadata;
        var items = new List<string>
        {
            $"Model: `{m.Architecture}`" + (inputs.Version is { } v ? $", version `{v}`" : "") + $", trained on {KnownDatasets.Describe(m.Dataset)}.",
            $"Decision: PNEUMONIA when the probability is at least {T(m.Threshold)} (rule `{m.ThresholdMethod.Name}`)" +
                (m.Calibration is null ? "; probabilities not calibrated" : $"; probabilities calibrated (temperature {F(m.Calibration.Temperature, "F3")})") +
                (m.Referral is null ? "; never refers." : $"; REFER when unsure (coverage {P(m.Referral.Coverage)} per class)."),
        };
        if (inputs.Test is { } test)
        {
            var r = test.Result;
            var ci = r.ConfidenceIntervals ?? [];
            string Metric(string name, double value) => ci.TryGetValue(name, out var c) ? Ci(c) : F(value);
            items.Add($"Test set ({N(r.N)} images, threshold {T(r.Threshold)}): AUC {Metric("auc", r.Auc)}, sensitivity {Metric("sensitivity", r.Sensitivity)}, " +
                      $"specificity {Metric("specificity", r.Specificity)} (95% intervals).");
        }
        doc.Bullets(items);
    }

    /// <summary>The sections without a source, grouped by the command that fills them.</summary>
    private static void Missing(CardDocument doc, IReadOnlyList<MissingSection> missing)
    {
        if (missing.Count == 0) return;
        doc.Paragraph("**Not evaluated in this card** (each section says so where it stands), and what would fill it:");
        doc.Bullets(missing.GroupBy(s => s.Command).Select(g =>
            string.Join(", ", g.Select(s => s.Section).Distinct()) + ": " + (g.Key is null ? "no command fills it" : $"`{g.Key}`")));
        bool Suggests(string verb) => missing.Any(s => s.Command?.StartsWith($"pneumo {verb} ", StringComparison.Ordinal) == true);
        var options = new List<string>();
        if (Suggests("evaluate")) options.Add("`--evaluation DIR`");
        if (Suggests("audit")) options.Add("`--audit DIR` (`--split validation`, and `test` for reporting)");
        var then = new List<string>();
        if (Suggests("calibrate"))
            then.Add("`pneumo calibrate` changes the model's probabilities and thresholds (in model.json): an evaluation or audit made before it no longer " +
                     "describes the model's answers, so evaluate and audit the calibrated model again.");
        then.Add("Then make the card again" + (options.Count > 0 ? " with " + string.Join(" and ", options) + " for the folders written" : "") + ".");
        doc.Paragraph(string.Join(" ", then));
    }
}
