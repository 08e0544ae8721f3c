using Pneumo.Explain;
using Pneumo.Imaging;
using SkiaSharp;

namespace Pneumo.Reporting.Figures;

/// <summary>One row of the example grid: a heading and the images to show, each with a caption (e.g. its file name).</summary>
public sealed record ExampleRow(string Heading, IReadOnlyList<(string Path, string Caption)> Images);

/// <summary>A grid of example X-rays, one row per class or finding (the paper's Fig. 1b), drawn with SkiaSharp.</summary>
/// <remarks>Each image keeps its aspect ratio inside a square cell on a white background; the row heading is on the left.</remarks>
public static class ExampleGridFigure
{
    private const int Margin = 14, HeadingWidth = 170, CaptionHeight = 22, TitleHeight = 44;

    /// <exception cref="DataException">An image cannot be decoded; the message names the file.</exception>
    public static void Save(IReadOnlyList<ExampleRow> rows, string path, int cell = 220, string title = "Example chest X-rays")
    {
        if (rows.Count == 0 || rows.All(r => r.Images.Count == 0)) throw new ArgumentException("no example images");
        int columns = rows.Max(r => r.Images.Count);
        int width = Margin * 2 + HeadingWidth + columns * (cell + Margin);
        int height = TitleHeight + rows.Count * (cell + CaptionHeight + Margin) + Margin;
        using var surface = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using var titleFont = new SKFont(OverlayFont.Typeface, 22) { Embolden = true };
        using var headingFont = new SKFont(OverlayFont.Typeface, 18) { Embolden = true };
        using var captionFont = new SKFont(OverlayFont.Typeface, 12);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        using var muted = new SKPaint { Color = new SKColor(90, 90, 90), IsAntialias = true };
        canvas.DrawText(title, Margin, 30, titleFont, ink);
        var decoder = new ImageDecoder();
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        for (int r = 0; r < rows.Count; r++)
        {
            float top = TitleHeight + r * (cell + CaptionHeight + Margin);
            canvas.DrawText(rows[r].Heading, Margin, top + cell / 2f, headingFont, ink);
            for (int c = 0; c < rows[r].Images.Count; c++)
            {
                var (file, caption) = rows[r].Images[c];
                var image = decoder.DecodeForDisplay(ImageDecoder.ReadFile(file), file, cell);
                using var bitmap = HeatmapOverlay.ToBitmap(image);
                using var skImage = SKImage.FromBitmap(bitmap);
                float left = Margin + HeadingWidth + c * (cell + Margin);
                var rect = SKRect.Create(left + (cell - image.Width) / 2f, top + (cell - image.Height) / 2f, image.Width, image.Height);
                canvas.DrawImage(skImage, rect, sampling);
                var text = Fit(caption, captionFont, cell);
                canvas.DrawText(text, left + (cell - captionFont.MeasureText(text)) / 2f, top + cell + 16, captionFont, muted);
            }
        }
        using var data = surface.Encode(SKEncodedImageFormat.Png, 100);
        Persistence.AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, data.ToArray()));
    }

    private static string Fit(string text, SKFont font, float width)
    {
        while (text.Length > 4 && font.MeasureText(text) > width) text = text[..^4] + "...";
        return text;
    }
}
