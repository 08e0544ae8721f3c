using System.Globalization;

namespace Pneumo.Imaging;

/// <summary>
/// Why an image that decodes is still no X-ray to trust a score on: smaller than <see cref="MinSide"/> on a side, or
/// blank or constant (no structure at all). Such images are scored, but flagged wherever the score is shown.
/// </summary>
/// <remarks>
/// The one place these rules live: <c>predict</c>, the web service and <c>evaluate</c> take the same flags from here.
/// </remarks>
public static class ImageFlags
{
    /// <summary>
    /// The shortest side, in pixels, below which an image is flagged: the models saw X-rays of about a thousand pixels,
    /// scaled to their input size; a thumbnail or icon is not one.
    /// </summary>
    public const int MinSide = 64;

    /// <summary>
    /// The least standard deviation of an image's grey levels (0-255, over all channels of the decoded input) for it to
    /// count as having content: below it the image is blank or constant. A real X-ray's is about 40-70; a flat image
    /// compressed as JPEG stays under 1.
    /// </summary>
    public const double MinSpread = 2.0;

    /// <summary>The flags for an image of <paramref name="width"/> x <paramref name="height"/> (as stored) decoded to <paramref name="decoded"/>; null when none applies.</summary>
    public static string? Warning(int width, int height, RgbImage decoded)
    {
        var flags = new List<string>(2);
        if (Math.Min(width, height) < MinSide)
            flags.Add($"the image is only {width}x{height} pixels (below the {MinSide}-pixel minimum side): the result is unreliable");
        if (IsBlank(decoded))
            flags.Add(string.Create(CultureInfo.InvariantCulture,
                $"the image is blank or constant (grey-level spread {Spread(decoded):F1}, below {MinSpread:F1}): there is no X-ray to score, the result is meaningless"));
        return flags.Count == 0 ? null : string.Join("; ", flags);
    }

    /// <summary>True when the image has (almost) no variation: one colour, or compression noise around one.</summary>
    public static bool IsBlank(RgbImage image) => Spread(image) < MinSpread;

    /// <summary>The standard deviation of all the image's values (every channel), in grey levels.</summary>
    public static double Spread(RgbImage image)
    {
        long sum = 0, squares = 0;
        foreach (var v in image.Pixels)
        {
            sum += v;
            squares += v * v;
        }
        double n = image.Pixels.Length, mean = sum / n;
        return Math.Sqrt(Math.Max(0, squares / n - mean * mean));
    }

    /// <summary>
    /// The flags for the image file at <paramref name="path"/>, decoded as <paramref name="decoded"/>: its size from the
    /// file's header (before any resizing), then its content; null when none applies.
    /// </summary>
    public static string? ForFile(string path, RgbImage decoded)
    {
        ImageHeader? header = null;
        try { header = ImageDecoder.ReadHeader(File.ReadAllBytes(path), path); }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException) { }  // it decoded: the header is a second opinion at most
        return Warning(header?.Width ?? int.MaxValue, header?.Height ?? int.MaxValue, decoded);
    }
}
