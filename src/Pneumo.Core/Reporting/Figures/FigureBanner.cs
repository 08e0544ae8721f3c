using Pneumo.Explain;
using SkiaSharp;

namespace Pneumo.Reporting.Figures;

/// <summary>A warning band across the top of a figure already written (e.g. a quick run's "numbers mean nothing"), so the figure carries it wherever it is copied.</summary>
public static class FigureBanner
{
    /// <summary>The band's height in pixels.</summary>
    public const int Height = 40;

    private static readonly SKColor Band = new(255, 214, 102), Ink = new(60, 40, 0);

    /// <summary>Rewrites the PNG at <paramref name="path"/> with <paramref name="text"/> in a band over it (the figure <see cref="Height"/> pixels taller).</summary>
    public static void Stamp(string path, string text)
    {
        using var figure = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not a PNG");
        using var stamped = new SKBitmap(new SKImageInfo(figure.Width, figure.Height + Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(stamped))
        {
            canvas.Clear(SKColors.White);
            using var band = new SKPaint { Color = Band };
            canvas.DrawRect(0, 0, figure.Width, Height, band);
            using var font = new SKFont(OverlayFont.Typeface, 20) { Embolden = true };
            using var ink = new SKPaint { Color = Ink, IsAntialias = true };
            canvas.DrawText(text, figure.Width / 2f, Height / 2f + 7, SKTextAlign.Center, font, ink);
            canvas.DrawBitmap(figure, 0, Height);
        }
        using var data = stamped.Encode(SKEncodedImageFormat.Png, 100);
        Persistence.AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, data.ToArray()));
    }
}
