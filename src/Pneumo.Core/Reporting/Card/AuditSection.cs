using Pneumo.Audit;
using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>
/// The card's "Shortcut audit": where the Grad-CAM evidence lies (border band, corner patches where the markers are) and
/// what hiding those regions does to the decisions, from each audit given.
/// </summary>
public static class AuditSection
{
    public static void Write(CardDocument doc, ModelCardInputs inputs, CardCommands commands)
    {
        doc.Heading(2, "Shortcut audit");
        if (inputs.Audits.Count == 0)
        {
            doc.NotEvaluated("shortcut audit", "no audit was given to this card (`--audit`)", commands.Audit(AuditSettings.Validation));
            return;
        }
        doc.Paragraph("A model that reads the image's frame or the side markers instead of the lungs puts its evidence there, and changes its answer " +
                      "when they are hidden. Grad-CAM mass: the mean share of each image's evidence map in a region, against the region's share of the " +
                      "area (excess 1 = no more than anywhere else). Masking: the region filled with the image's median grey; Δp = p(masked) - p(as seen); " +
                      "a flip is a label that changes at the model's threshold.");
        foreach (var a in inputs.Audits.OrderBy(a => a.Result.Split == AuditSettings.Validation ? 0 : 1))
        {
            var r = a.Result;
            doc.Heading(3, $"{EvaluationSection.SplitName(r.Split)} ({N(r.N)} images)");
            doc.Paragraph($"Border band {r.Regions.Band} px on each side ({P(r.BorderAreaShare)} of the area), corner patches {r.Regions.Patch} px square " +
                          $"({P(r.PatchAreaShare)} each), on the {r.Regions.Width} x {r.Regions.Height} input; layer {r.ExplainedLayer}; " +
                          $"95% bootstrap intervals ({N(r.Settings.Bootstrap)} resamples)" +
                          (r.EmptyMaps > 0 ? $"; {r.EmptyMaps} images without positive evidence left out of the mass." : "."));
            doc.Table(["region", "area share", "Grad-CAM mass [95% CI]", "excess"],
                      r.CamMass.Select(c => (IReadOnlyList<string>)[c.Region, P(c.AreaShare), Pci(c.All), F(c.Excess, "F2") + "x"]));
            doc.Table(["masked", "class (n)", "mean Δp [95% CI]", "flips [95% CI]", "to PNEUMONIA / to NORMAL"],
                      r.Masking.Select(m => (IReadOnlyList<string>)[m.Variant, $"{m.Class} ({N(m.N)})", SignedCi(m.MeanDelta), Pci(m.Flips),
                                                                     $"{m.ToPneumonia} / {m.ToNormal}"]));
            var readable = Path.Combine(a.Directory, FileNames.AuditMarkdown);
            doc.Source(File.Exists(readable) ? [a.AuditFile, readable] : [a.AuditFile]);
        }
    }
}
