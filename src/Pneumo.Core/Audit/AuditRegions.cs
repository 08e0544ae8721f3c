namespace Pneumo.Audit;

/// <summary>
/// The places an audit looks at on a model's input image: the outer border band and the four corner patches where
/// side markers ("R", "L") and text sit.
/// </summary>
/// <remarks>
/// The band is <see cref="Band"/> pixels wide on each of the four sides (its inner edge is the rectangle
/// [Band, Width - Band) x [Band, Height - Band)); each corner patch is a square of <see cref="Patch"/> pixels. Both are
/// fractions of the shorter side rounded to whole pixels, so the area shares are those of the pixels actually counted:
/// a band of 0.1 x 224 = 22 pixels is 35.4% of a 224 x 224 image (36% for an exact 0.1).
/// <para>
/// Area shares are taken within <see cref="View"/>, the part of the image the model sees (all of it, or the central
/// window of an evaluation-time crop): evidence spread evenly over what the model sees gives each region its area share.
/// </para>
/// </remarks>
public sealed record AuditRegions(int Width, int Height, int Band, int Patch)
{
    /// <summary>The regions for an image of the given size and fractions of its shorter side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is outside (0, 0.5) or rounds to no pixel.</exception>
    public static AuditRegions For(int width, int height, double borderFraction, double patchFraction, PixelRect? view = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        if (!(borderFraction > 0 && borderFraction < 0.5)) throw new ArgumentOutOfRangeException(nameof(borderFraction), "must be in (0, 0.5)");
        if (!(patchFraction > 0 && patchFraction <= 0.5)) throw new ArgumentOutOfRangeException(nameof(patchFraction), "must be in (0, 0.5]");
        int side = Math.Min(width, height);
        int band = Math.Max(1, (int)Math.Round(borderFraction * side, MidpointRounding.AwayFromZero));
        int patch = Math.Max(1, (int)Math.Round(patchFraction * side, MidpointRounding.AwayFromZero));
        var seen = view ?? new PixelRect(0, 0, width, height);
        if (seen.X0 < 0 || seen.Y0 < 0 || seen.X1 > width || seen.Y1 > height || seen.Area == 0)
            throw new ArgumentOutOfRangeException(nameof(view), $"{seen} is not a window of a {width}x{height} image");
        return new AuditRegions(width, height, Math.Min(band, (side - 1) / 2), Math.Min(patch, side / 2)) { View = seen };
    }

    /// <summary>The part of the image the model sees (the whole image unless it crops).</summary>
    public PixelRect View { get; init; }

    /// <summary>The rectangle inside the band.</summary>
    public PixelRect Inner => new(Band, Band, Width - Band, Height - Band);

    public PixelRect TopLeft => new(0, 0, Patch, Patch);
    public PixelRect TopRight => new(Width - Patch, 0, Width, Patch);
    public PixelRect BottomLeft => new(0, Height - Patch, Patch, Height);
    public PixelRect BottomRight => new(Width - Patch, Height - Patch, Width, Height);

    /// <summary>Whether pixel (x, y) lies in the border band.</summary>
    public bool InBorder(int x, int y) => !Inner.Contains(x, y);

    /// <summary>The band's share of the pixels the model sees.</summary>
    public double BorderAreaShare => 1.0 - (double)Intersection(Inner, View).Area / View.Area;

    /// <summary>The top-left corner patch's share of the pixels the model sees (the four patches are alike: the view is centred).</summary>
    public double PatchAreaShare => (double)Intersection(TopLeft, View).Area / View.Area;

    private static PixelRect Intersection(PixelRect a, PixelRect b) =>
        new(Math.Max(a.X0, b.X0), Math.Max(a.Y0, b.Y0), Math.Min(a.X1, b.X1), Math.Min(a.Y1, b.Y1));
}
