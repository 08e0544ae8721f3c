using SkiaSharp;

namespace Pneumo.Data.Transforms;

/// <summary>A lossy export: the image encoded as JPEG and decoded again, as another archive or viewer would store it.</summary>
public static class JpegRecompression
{
    /// <summary>Replaces a planar image with its JPEG round trip at <paramref name="quality"/> (grey when its planes are equal, as X-rays are).</summary>
    public static void Apply(Span<byte> planar, int width, int height, int quality)
    {
        int plane = width * height;
        bool grey = planar[..plane].SequenceEqual(planar.Slice(plane, plane)) && planar[..plane].SequenceEqual(planar.Slice(2 * plane, plane));
        var info = new SKImageInfo(width, height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var pixels = bitmap.GetPixelSpan();
        if (grey) planar[..plane].CopyTo(pixels);
        else
            for (int i = 0; i < plane; i++)
            {
                pixels[4 * i] = planar[i];
                pixels[4 * i + 1] = planar[plane + i];
                pixels[4 * i + 2] = planar[2 * plane + i];
                pixels[4 * i + 3] = 255;
            }
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        using var decoded = SKBitmap.Decode(encoded, info);
        var result = decoded.GetPixelSpan();
        if (grey)
            for (int c = 0; c < 3; c++) result[..plane].CopyTo(planar.Slice(c * plane, plane));
        else
            for (int i = 0; i < plane; i++)
                for (int c = 0; c < 3; c++) planar[c * plane + i] = result[4 * i + c];
    }
}

/// <summary>
/// With probability <see cref="Probability"/>, a JPEG re-compression at a quality uniform in
/// [<see cref="MinQuality"/>, 95]: the heavy lossy exports that raise a model's scores for NORMAL images
/// (results/generalisation, round 2) seen in training.
/// </summary>
public sealed class RandomJpeg(double probability, int minQuality)
{
    public const int MaxQuality = 95;
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));
    public int MinQuality { get; } = minQuality is >= 1 and <= MaxQuality ? minQuality : throw new ArgumentOutOfRangeException(nameof(minQuality));

    /// <summary>The quality of one image's re-compression, or null for none.</summary>
    public int? Sample(Random random) => random.NextDouble() < Probability ? random.Next(MinQuality, MaxQuality + 1) : null;
}
