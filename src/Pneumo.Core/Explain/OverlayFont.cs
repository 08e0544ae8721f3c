using SkiaSharp;

namespace Pneumo.Explain;

/// <summary>A sans-serif typeface for overlay text, found once: by family name, else from the usual font files.</summary>
/// <remarks>
/// Without a real font Skia draws no glyphs at all and says nothing, so the lookup falls back to known file paths
/// (Debian's fonts-dejavu-core is on every machine here) before the empty default.
/// </remarks>
internal static class OverlayFont
{
    private static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    private static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/Library/Fonts/Arial.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ];

    private static readonly Lazy<SKTypeface> Regular = new(Find);

    public static SKTypeface Typeface => Regular.Value;

    /// <summary>True when a real font was found (text will be visible).</summary>
    public static bool HasGlyphs => Typeface.GlyphCount > 0;

    private static SKTypeface Find()
    {
        foreach (var family in Families)
        {
            var t = SKFontManager.Default.MatchFamily(family);
            if (t is not null && t.GlyphCount > 0 && t.FamilyName.Equals(family, StringComparison.OrdinalIgnoreCase)) return t;
        }
        foreach (var file in Files)
        {
            if (!File.Exists(file)) continue;
            var t = SKTypeface.FromFile(file);
            if (t is not null && t.GlyphCount > 0) return t;
        }
        return SKTypeface.Default;
    }
}
