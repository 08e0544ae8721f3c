using Pneumo.Imaging;

namespace Pneumo.Audit;

/// <summary>Copies of an image with a region replaced by a neutral fill: the image's own median grey.</summary>
/// <remarks>
/// The fill is the median of each channel over the whole image (an X-ray decoded as RGB has three equal channels, so
/// one grey): a level the image itself contains, neither black nor white, so a mask adds no new edge or intensity the
/// model could read as evidence of its own.
/// </remarks>
public static class ImageMasking
{
    /// <summary>The median of each channel (the lower middle value for an even count): 3 bytes, R, G, B.</summary>
    public static byte[] MedianGrey(RgbImage image)
    {
        var fill = new byte[3];
        Span<int> histogram = stackalloc int[256];
        int plane = image.PlaneSize;
        for (int c = 0; c < 3; c++)
        {
            histogram.Clear();
            foreach (var v in image.Pixels.AsSpan(c * plane, plane)) histogram[v]++;
            int rank = (plane - 1) / 2, seen = 0;
            for (int v = 0; v < 256; v++)
            {
                seen += histogram[v];
                if (seen > rank) { fill[c] = (byte)v; break; }
            }
        }
        return fill;
    }

    /// <summary>A copy with the border band of <paramref name="regions"/> filled.</summary>
    public static RgbImage MaskBorder(RgbImage image, AuditRegions regions, byte[] fill) =>
        Masked(image, regions, fill, regions.InBorder);

    /// <summary>A copy with <paramref name="rect"/> filled.</summary>
    public static RgbImage MaskRectangle(RgbImage image, AuditRegions regions, PixelRect rect, byte[] fill) =>
        Masked(image, regions, fill, rect.Contains);

    private static RgbImage Masked(RgbImage image, AuditRegions regions, byte[] fill, Func<int, int, bool> inside)
    {
        if (image.Width != regions.Width || image.Height != regions.Height)
            throw new ArgumentException($"image is {image.Width}x{image.Height}, regions are for {regions.Width}x{regions.Height}", nameof(image));
        var copy = new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone());
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
        {
            if (!inside(x, y)) continue;
            for (int c = 0; c < 3; c++) copy[c, y, x] = fill[c];
        }
        return copy;
    }
}
