using System.Globalization;
using System.Text;
using Pneumo.Audit;
using Pneumo.Persistence;

namespace Pneumo.Reporting;

/// <summary><c>audit.md</c>: the audit's summaries as readable tables, from <see cref="AuditResult"/> only.</summary>
public static class AuditReport
{
    public static string Markdown(AuditResult r)
    {
        var s = new StringBuilder();
        s.AppendLine($"# Shortcut audit: {r.ModelName} on {r.Split}");
        s.AppendLine();
        s.AppendLine($"- Model: `{r.Model}` ({r.Architecture}, version {r.Version}), threshold {F(r.Threshold)} ({r.ThresholdMethod}, chosen on its validation data), " +
                     $"test-time augmentation {r.TestTimeAugmentation}");
        s.AppendLine($"- Split: {r.Split} ({(r.Split == AuditSettings.Validation ? "the model's own validation part" : "the official test set")}), " +
                     $"{r.N} images ({r.NNormal} NORMAL, {r.NPneumonia} PNEUMONIA)" +
                     (r.Settings.Limit is int l ? $", at most {l} per class (seeded subset, seed {r.Settings.Seed})" : ""));
        s.AppendLine($"- Regions on the {r.Regions.Width}x{r.Regions.Height} input: border band {r.Regions.Band} px on each side " +
                     $"(`--border {F(r.Settings.Border, "0.###")}`, {P(r.BorderAreaShare)} of the area); corner patches {r.Regions.Patch} px square " +
                     $"(`--patch {F(r.Settings.Patch, "0.###")}`, {P(r.PatchAreaShare)} each)" +
                     (r.Regions.View.Area < r.Regions.Width * r.Regions.Height
                         ? $"; the model sees only the central {r.Regions.View.X1 - r.Regions.View.X0} px (its centre crop): area shares are of that window"
                         : ""));
        s.AppendLine("- Masks are filled with the image's own median grey. Intervals: 95% percentile bootstrap, " +
                     $"{r.Settings.Bootstrap} resamples, seeded.");
        if (r.Provenance is { } p) s.AppendLine($"- Command: `{p.Command}`; commit {p.Commit}; {p.CreatedUtc}; {r.Seconds:F0} s ({F(r.ImagesPerSecond, "F1")} images/s)");
        s.AppendLine();

        s.AppendLine("## Where the Grad-CAM evidence for PNEUMONIA lies");
        s.AppendLine();
        s.AppendLine($"Share of each image's Grad-CAM map ({r.ExplainedLayer}; the map normalised to sum 1) in a region, averaged over images, " +
                     "against the region's share of the area. Excess = mean share / area share: 1 means no more evidence there than anywhere else." +
                     (r.EmptyMaps > 0 ? $" {r.EmptyMaps} image(s) had no positive evidence and are left out." : ""));
        s.AppendLine();
        s.AppendLine("| region | area share | NORMAL | PNEUMONIA | all [95% CI] | excess |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in r.CamMass)
            s.AppendLine($"| {m.Region} | {P(m.AreaShare)} | {P(m.Normal)} | {P(m.Pneumonia)} | {P(m.All.Estimate)} [{P(m.All.Lower)}, {P(m.All.Upper)}] | {F(m.Excess, "F2")}x |");
        s.AppendLine();

        s.AppendLine("## What masking a region does to the probability of PNEUMONIA");
        s.AppendLine();
        s.AppendLine($"delta = p(masked) - p(as seen). Flips: the label at the model's threshold ({F(r.Threshold)}) changes.");
        s.AppendLine();
        s.AppendLine("| masked | class | n | mean \\|delta\\| | mean delta [95% CI] | flips [95% CI] | to PNEUMONIA | to NORMAL |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var m in r.Masking)
            s.AppendLine($"| {m.Variant} | {m.Class} | {m.N} | {F(m.MeanAbsDelta)} | {F(m.MeanDelta.Estimate, "+0.0000;-0.0000")} {Ci(m.MeanDelta, "+0.0000;-0.0000")} | " +
                         $"{P(m.Flips.Estimate)} [{P(m.Flips.Lower)}, {P(m.Flips.Upper)}] | {m.ToPneumonia} | {m.ToNormal} |");
        s.AppendLine();

        s.AppendLine("## Accuracy by file-name group");
        s.AppendLine();
        s.AppendLine("IM- and NORMAL2-IM- are NORMAL images, bacteria and virus PNEUMONIA; a group of one class has only specificity or sensitivity.");
        foreach (var (title, groups) in new[] { ($"At the model's threshold ({F(r.Threshold)}, {r.ThresholdMethod})", r.Groups), ("At 0.5", r.GroupsAtHalf) })
        {
            s.AppendLine();
            s.AppendLine($"### {title}");
            s.AppendLine();
            s.AppendLine("| group | n | accuracy [95% CI] | sensitivity [95% CI] | specificity [95% CI] |");
            s.AppendLine("|---|---|---|---|---|");
            foreach (var g in groups)
                s.AppendLine($"| {g.Group} | {g.N} | {Metric(g.Accuracy)} | {Metric(g.Sensitivity)} | {Metric(g.Specificity)} |");
        }
        s.AppendLine();
        s.AppendLine("## Files");
        s.AppendLine();
        s.AppendLine($"- `{FileNames.AuditRows}`: one row per image ({AuditRow.CsvHeader})");
        s.AppendLine($"- `{FileNames.Audit}`: settings, model, every summary above, command and commit");
        s.AppendLine($"- `{FileNames.AuditMeanMap}`: mean Grad-CAM map per class, border band and corner patches outlined");
        s.AppendLine($"- `{FileNames.AuditGroupFigure}`: accuracy per file-name group with 95% intervals");
        s.AppendLine();
        s.AppendLine($"![mean Grad-CAM map]({FileNames.AuditMeanMap})");
        s.AppendLine();
        s.AppendLine($"![accuracy per group]({FileNames.AuditGroupFigure})");
        return s.ToString();
    }

    private static string Metric(ConfidenceInterval? ci) => ci is null ? "" : $"{F(ci.Estimate)} {Ci(ci, "F4")}";

    private static string Ci(ConfidenceInterval ci, string format) =>
        double.IsFinite(ci.Lower) ? $"[{F(ci.Lower, format)}, {F(ci.Upper, format)}]" : "";

    private static string F(double v, string format = "F4") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string P(double v) => double.IsFinite(v) ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "n/a";
}
