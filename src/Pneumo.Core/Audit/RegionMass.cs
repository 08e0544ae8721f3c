using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>
/// How much of the PNEUMONIA Grad-CAM mass one region holds on average, against its share of the image's area: a model
/// that spreads its evidence evenly has <see cref="Excess"/> 1; one that reads the region more than the rest, above 1.
/// </summary>
/// <param name="Region">border, top_left, top_right, bottom_left or bottom_right.</param>
/// <param name="AreaShare">The region's share of the image's pixels.</param>
/// <param name="Normal">Mean share of the map's mass in the region over NORMAL images (NaN without any).</param>
/// <param name="Pneumonia">The same over PNEUMONIA images.</param>
/// <param name="All">The same over all images, with its 95% bootstrap interval.</param>
/// <param name="Excess"><c>All.Estimate / AreaShare</c>.</param>
public sealed record RegionMass(string Region, double AreaShare, double Normal, double Pneumonia, ConfidenceInterval All, double Excess)
{
    /// <summary>The regions in report order, with each row's share in it.</summary>
    public static readonly IReadOnlyList<(string Name, Func<CamMass, double> Share)> Regions =
    [
        ("border", m => m.Border), ("top_left", m => m.TopLeft), ("top_right", m => m.TopRight),
        ("bottom_left", m => m.BottomLeft), ("bottom_right", m => m.BottomRight),
    ];

    /// <summary>One row per region over <paramref name="rows"/> (images without positive evidence are left out).</summary>
    public static List<RegionMass> Summarize(IReadOnlyList<AuditRow> rows, AuditRegions regions, int resamples, int seed)
    {
        var result = new List<RegionMass>();
        for (int r = 0; r < Regions.Count; r++)
        {
            var (name, share) = Regions[r];
            double area = name == "border" ? regions.BorderAreaShare : regions.PatchAreaShare;
            double Mean(int? label) => rows.Where(x => label is null || x.Label == label).Select(x => share(x.Cam))
                                           .Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
            var all = MeanInterval.Of(rows.Select(x => share(x.Cam)), resamples, seed + r);
            result.Add(new RegionMass(name, area, Mean(0), Mean(1), all, all.Estimate / area));
        }
        return result;
    }
}
