using Pneumo.Audit;
using Xunit;

namespace Pneumo.Tests.Audit;

/// <summary>The audit's summaries on hand-made rows, checked against values computed by hand.</summary>
public class SummaryTests
{
    private static AuditRow Row(int label, string group, double p, double border = double.NaN, double tl = double.NaN, double tr = double.NaN,
                                CamMass? cam = null) =>
        new("x", label, group, p, double.IsNaN(border) ? p : border, double.IsNaN(tl) ? p : tl, double.IsNaN(tr) ? p : tr,
            cam ?? new CamMass(0.5, 0.1, 0.1, 0.1, 0.1));

    private static readonly List<AuditRow> Rows =
    [
        Row(0, "IM-", 0.2), Row(0, "IM-", 0.6), Row(0, "IM-", 0.1), Row(0, "IM-", 0.4),
        Row(0, "NORMAL2-IM-", 0.9), Row(0, "NORMAL2-IM-", 0.7),
        Row(1, "bacteria", 0.9), Row(1, "bacteria", 0.3),
        Row(1, "virus", 0.8),
    ];

    [Fact]
    public void GroupMetricsAtAThreshold()
    {
        var groups = GroupMetrics.Summarize(Rows, 0.5, 500, seed: 1).ToDictionary(g => g.Group);
        Assert.Equal(["IM-", "NORMAL2-IM-", "bacteria", "virus", "NORMAL", "PNEUMONIA", "all"], groups.Keys);
        Assert.Equal(0.75, groups["IM-"].Specificity!.Estimate);
        Assert.Equal(0.75, groups["IM-"].Accuracy.Estimate);
        Assert.Null(groups["IM-"].Sensitivity);
        Assert.Equal(0, groups["NORMAL2-IM-"].Specificity!.Estimate);
        Assert.Equal(0.5, groups["bacteria"].Sensitivity!.Estimate);
        Assert.Null(groups["bacteria"].Specificity);
        Assert.Equal(1, groups["virus"].Accuracy.Estimate);
        Assert.Equal(0.5, groups["NORMAL"].Specificity!.Estimate);            // 3 of 6
        Assert.Equal(2.0 / 3, groups["PNEUMONIA"].Sensitivity!.Estimate, 12);
        Assert.Equal(5.0 / 9, groups["all"].Accuracy.Estimate, 12);
        Assert.Equal(6, groups["NORMAL"].N);
        var all = groups["all"].Accuracy;
        Assert.True(all.Lower < all.Estimate && all.Estimate < all.Upper && all.Lower >= 0 && all.Upper <= 1, $"{all}");
        // a group of one class resampled is still that class: its interval is of the one metric it has
        Assert.InRange(groups["IM-"].Specificity!.Lower, 0.25, 0.75);

        var low = GroupMetrics.Summarize(Rows, 0.15, 500, seed: 1).ToDictionary(g => g.Group);
        Assert.Equal(0.25, low["IM-"].Specificity!.Estimate);   // only 0.1 stays below 0.15
        Assert.Equal(1, low["bacteria"].Sensitivity!.Estimate);
    }

    [Fact]
    public void MaskingEffectsAndFlips()
    {
        var rows = new List<AuditRow>
        {
            Row(0, "IM-", 0.6, tr: 0.2),        // NORMAL: flips to NORMAL, delta -0.4
            Row(0, "IM-", 0.3, tr: 0.4),        // delta +0.1, no flip
            Row(1, "virus", 0.9, tr: 0.8),      // delta -0.1
            Row(1, "virus", 0.4, tr: 0.7),      // flips to PNEUMONIA, +0.3
        };
        var effects = MaskingEffect.Summarize(rows, 0.5, 500, seed: 3);
        Assert.Equal(9, effects.Count);
        var tr = effects.Where(e => e.Variant == "top_right").ToDictionary(e => e.Class);
        Assert.Equal(0.25, tr["NORMAL"].MeanAbsDelta, 12);
        Assert.Equal(-0.15, tr["NORMAL"].MeanDelta.Estimate, 12);
        Assert.Equal(0.5, tr["NORMAL"].Flips.Estimate);
        Assert.Equal((0, 1), (tr["NORMAL"].ToPneumonia, tr["NORMAL"].ToNormal));
        Assert.Equal(0.1, tr["PNEUMONIA"].MeanDelta.Estimate, 12);
        Assert.Equal((1, 0), (tr["PNEUMONIA"].ToPneumonia, tr["PNEUMONIA"].ToNormal));
        Assert.Equal(0.225, tr["all"].MeanAbsDelta, 12);
        Assert.Equal(0.5, tr["all"].Flips.Estimate);
        var border = effects.Single(e => e.Variant == "border" && e.Class == "all");
        Assert.Equal(0, border.MeanAbsDelta);
        Assert.Equal(0, border.Flips.Estimate);
    }

    [Fact]
    public void RegionMassAgainstTheAreaShare()
    {
        var regions = AuditRegions.For(100, 100, 0.1, 0.1);  // band 36%, patches 1%
        var rows = new List<AuditRow>
        {
            Row(0, "IM-", 0.1, cam: new CamMass(0.9, 0.3, 0.05, 0, 0)),
            Row(1, "virus", 0.9, cam: new CamMass(0.3, 0.1, 0.15, 0, 0)),
            Row(1, "virus", 0.9, cam: new CamMass(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)),  // an empty map
        };
        var mass = RegionMass.Summarize(rows, regions, 500, seed: 5).ToDictionary(m => m.Region);
        Assert.Equal(0.36, mass["border"].AreaShare, 12);
        Assert.Equal(0.9, mass["border"].Normal, 12);
        Assert.Equal(0.3, mass["border"].Pneumonia, 12);
        Assert.Equal(0.6, mass["border"].All.Estimate, 12);
        Assert.Equal(0.6 / 0.36, mass["border"].Excess, 12);
        Assert.Equal(0.2, mass["top_left"].All.Estimate, 12);
        Assert.Equal(20, mass["top_left"].Excess, 9);
    }

    [Fact]
    public void RowsRoundTripThroughCsv()
    {
        var row = new AuditRow("test/NORMAL/a,b.jpeg", 0, "IM-", 0.25, 0.125, 0.5, 0.75, new CamMass(0.4, 0.1, 0.2, 0.05, double.NaN));
        var line = row.ToCsv();
        Assert.StartsWith("\"test/NORMAL/a,b.jpeg\",0,IM-,0.25,0.125,0.5,0.75,0.4,0.1,0.2,0.05,NaN", line);
        Assert.Equal(row, AuditRow.FromCsv(line));
        Assert.Equal(12, AuditRow.CsvHeader.Split(',').Length);
    }
}
