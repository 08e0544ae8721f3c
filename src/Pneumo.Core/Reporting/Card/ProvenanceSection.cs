using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>The card's "Provenance": the command, commit, machine and time of every file the card read, and of the card.</summary>
public static class ProvenanceSection
{
    public static void Write(CardDocument doc, ModelCardInputs inputs, Provenance card)
    {
        doc.Heading(2, "Provenance");
        var m = inputs.Metadata;
        var items = new List<string> { Line("Training", m.Provenance, doc.Link(inputs.ModelFile)) };
        if (m.DecisionProvenance is { } decision) items.Add(Line("Calibration, operating points and referral", decision, doc.Link(inputs.ModelFile)));
        foreach (var e in inputs.Evaluations)
            items.Add(Line($"Evaluation ({e.Result.Split})", e.Result.Provenance, doc.Link(e.MetricsFile)) +
                      $" Model recorded as `{e.Result.Model}`; data root `{e.Result.DataRoot}`; seed {e.Result.Seed}.");
        foreach (var a in inputs.Audits)
            items.Add(Line($"Audit ({a.Result.Split})", a.Result.Provenance, doc.Link(a.AuditFile)) + $" Version audited `{a.Result.Version}`.");
        items.Add(Line("This card", card, null) + " It reads the files above and computes no metric itself.");
        doc.Bullets(items);
        doc.Bullets(inputs.Notes);
    }

    private static string Line(string what, Provenance? p, string? file) =>
        p is null
            ? $"{what}: not recorded{(file is null ? "" : $" ({file})")}."
            : $"{what}: `{p.Command}` at commit `{Commit(p.Commit)}`, {p.CreatedUtc}, on {p.Machine}{(file is null ? "" : $" ({file})")}.";
}
