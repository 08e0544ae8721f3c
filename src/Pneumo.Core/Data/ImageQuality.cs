namespace Pneumo.Data;

/// <summary>
/// Images a model can score but whose score means nothing: smaller than <see cref="MinSide"/> on a side (a 1x1 PNG is
/// stretched over the whole input), or blank (every pixel the same value: no anatomy to see).
/// </summary>
/// <remarks>
/// Such images are flagged, not refused: <c>predict</c> scores them with a warning, and <c>evaluate</c> lists them apart
/// from the metrics, since one such image silently counted moves the numbers of a study without a trace.
/// </remarks>
public static class ImageQuality
{
    /// <summary>The smallest side, in pixels, of an image whose result is trusted.</summary>
    public const int MinSide = 64;

    /// <summary>Why the result for an image of <paramref name="width"/> x <paramref name="height"/> pixels is unreliable, or null.</summary>
    public static string? SizeProblem(int width, int height) =>
        Math.Min(width, height) < MinSide
            ? $"the image is only {width}x{height} pixels (below the {MinSide}-pixel minimum side)"
            : null;

    /// <summary>Why a decoded image's result is unreliable (blank), or null.</summary>
    public static string? ContentProblem(RgbImage image)
    {
        var pixels = image.Pixels;
        if (pixels.Length == 0) return "the image has no pixels";
        byte first = pixels[0];
        return pixels.AsSpan().IndexOfAnyExcept(first) < 0 ? $"the image is blank (every pixel is {first})" : null;
    }

    /// <summary>
    /// Why the result for the image file at <paramref name="path"/>, decoded as <paramref name="decoded"/>, is unreliable:
    /// its size from the file's header (before any resizing), then its content; null when it is fine.
    /// </summary>
    public static string? Problem(string path, RgbImage decoded)
    {
        ImageHeader? header = null;
        try { header = ImageDecoder.ReadHeader(File.ReadAllBytes(path), path); }
        catch (Exception e) when (e is DataException or IOException) { }  // it decoded, so the header read is a second opinion at most
        return (header is null ? null : SizeProblem(header.Width, header.Height)) ?? ContentProblem(decoded);
    }
}
