namespace Pneumo.Audit;

/// <summary>
/// Where a Grad-CAM map puts its evidence: the map normalised to sum 1 over the image, and the share of that mass in
/// the border band and in each corner patch of <see cref="AuditRegions"/>.
/// </summary>
/// <remarks>Every share is NaN for a map without positive evidence (all zero): it says nothing about where.</remarks>
public sealed record CamMass(double Border, double TopLeft, double TopRight, double BottomLeft, double BottomRight)
{
    /// <summary>The shares of <paramref name="map"/> (row by row, <c>regions.Width x regions.Height</c>; negative values count as 0).</summary>
    public static CamMass Of(ReadOnlySpan<float> map, AuditRegions regions)
    {
        int w = regions.Width, h = regions.Height;
        if (map.Length != w * h) throw new ArgumentException($"expected {w * h} values, got {map.Length}", nameof(map));
        double total = 0, border = 0, tl = 0, tr = 0, bl = 0, br = 0;
        var (topLeft, topRight, bottomLeft, bottomRight) = (regions.TopLeft, regions.TopRight, regions.BottomLeft, regions.BottomRight);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double v = Math.Max(0, map[y * w + x]);
            if (v == 0) continue;
            total += v;
            if (regions.InBorder(x, y)) border += v;
            if (topLeft.Contains(x, y)) tl += v;
            if (topRight.Contains(x, y)) tr += v;
            if (bottomLeft.Contains(x, y)) bl += v;
            if (bottomRight.Contains(x, y)) br += v;
        }
        if (total <= 0) return new CamMass(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        return new CamMass(border / total, tl / total, tr / total, bl / total, br / total);
    }

    /// <summary>The map divided by its sum (negative values as 0); null for a map without positive evidence.</summary>
    public static double[]? Normalized(ReadOnlySpan<float> map)
    {
        double total = 0;
        foreach (var v in map) total += Math.Max(0, v);
        if (total <= 0) return null;
        var result = new double[map.Length];
        for (int i = 0; i < map.Length; i++) result[i] = Math.Max(0, map[i]) / total;
        return result;
    }
}
