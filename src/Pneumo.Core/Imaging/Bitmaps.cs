using SkiaSharp;

namespace Pneumo.Imaging;

/// <summary>What every format shares once its pixels are in a bitmap: resizing, planar RGB, the corrupt-image error.</summary>
internal static class Bitmaps
{
    /// <summary>An image that does not decode (<see cref="ErrorCode.CorruptImage"/>); the message names it.</summary>
    public static DataException Corrupt(string message) => new(message) { Code = ErrorCode.CorruptImage };

    /// <summary>A bitmap at <paramref name="target"/> (linear filtering with mipmaps) as planar RGB.</summary>
    public static RgbImage Resize(SKBitmap decoded, SKSizeI target, string name)
    {
        using var resized = decoded.Width == target.Width && decoded.Height == target.Height
            ? null
            : decoded.Resize(new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                             new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var source = resized ?? decoded;
        if (source is null) throw Corrupt($"{name}: cannot resize image");
        return ToPlanarRgb(source);
    }

    private static RgbImage ToPlanarRgb(SKBitmap bitmap)
    {
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        var rgba = bitmap.GetPixelSpan();
        var plane = image.PlaneSize;
        var pixels = image.Pixels;
        for (int i = 0; i < plane; i++)
        {
            pixels[i] = rgba[4 * i];
            pixels[plane + i] = rgba[4 * i + 1];
            pixels[2 * plane + i] = rgba[4 * i + 2];
        }
        return image;
    }
}
