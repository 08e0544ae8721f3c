using System.Runtime.InteropServices;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// Turns a decoded DICOM frame into display pixels: masks to the bits stored, applies the rescale, the VOI window (the
/// file's, else a stated default) and the MONOCHROME1 inversion for grey images; converts YBR_FULL to RGB for colour ones.
/// </summary>
/// <remarks>
/// Grey values go through a lookup table over the range of stored values, so large 16-bit images cost one pass.
/// Windows follow DICOM PS3.3 C.11.2.1.2 (LINEAR, LINEAR_EXACT, SIGMOID). Without a usable window in the file, 8-bit
/// unsigned values without a rescale are used as stored; anything else is stretched from its 0.5th to its 99.5th
/// percentile (robust min/max: a few saturated or dead pixels do not set the contrast).
/// </remarks>
internal static class DicomRendering
{
    /// <summary>The display image of a frame whose samples are <paramref name="photometric"/> as decoded.</summary>
    public static DicomImage Render(DicomAttributes a, byte[] samples, string photometric, int planar, List<string> warnings, string name)
    {
        var (width, height) = (a.Columns, a.Rows);
        if (a.SamplesPerPixel == 1)
        {
            var (grey, window) = Grey(a, samples, warnings);
            return new DicomImage(width, height, 1, grey, Info(a, window, warnings));
        }
        var rgb = Colour(a, samples, photometric, planar, name);
        return new DicomImage(width, height, 3, rgb, Info(a, new DicomWindow(DicomWindow.None, 127.5, 256, "LINEAR"), warnings));
    }

    private static DicomInfo Info(DicomAttributes a, DicomWindow window, List<string> warnings) =>
        new(a.Modality, a.TransferSyntax, a.Photometric, a.Columns, a.Rows, a.BitsStored, a.Frames, window, warnings);

    /// <summary>8-bit grey pixels and the window used.</summary>
    internal static (byte[] Pixels, DicomWindow Window) Grey(DicomAttributes a, byte[] samples, List<string> warnings)
    {
        var values = StoredValues(a, samples);
        int min = int.MaxValue, max = int.MinValue;
        foreach (var v in values) { if (v < min) min = v; if (v > max) max = v; }
        var counts = new int[max - min + 1];
        foreach (var v in values) counts[v - min]++;

        var window = ChooseWindow(a, counts, min, values.Length, warnings);
        bool invert = a.Photometric == "MONOCHROME1";
        var table = new byte[counts.Length];
        for (int i = 0; i < table.Length; i++)
        {
            var display = window.Apply((min + i) * a.RescaleSlope + a.RescaleIntercept);
            table[i] = (byte)Math.Round(invert ? 255 - display : display, MidpointRounding.AwayFromZero);
        }
        var pixels = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) pixels[i] = table[values[i] - min];
        return (pixels, window);
    }

    /// <summary>The stored values of a grey frame, masked to the bits stored and sign-extended when signed.</summary>
    private static int[] StoredValues(DicomAttributes a, byte[] samples)
    {
        int n = a.Rows * a.Columns, bits = a.BitsStored, shift = 32 - bits;
        var values = new int[n];
        if (a.BitsAllocated == 8)
            for (int i = 0; i < n; i++) values[i] = samples[i];
        else
        {
            var words = MemoryMarshal.Cast<byte, ushort>(samples.AsSpan(0, 2 * n));
            for (int i = 0; i < n; i++) values[i] = words[i];
        }
        for (int i = 0; i < n; i++)
            values[i] = a.Signed ? (values[i] << shift) >> shift : (int)((uint)(values[i] << shift) >> shift);
        return values;
    }

    /// <summary>The file's window when it has a usable one, else the default (see the class remarks).</summary>
    private static DicomWindow ChooseWindow(DicomAttributes a, int[] counts, int min, int n, List<string> warnings)
    {
        var function = a.VoiLutFunction is "LINEAR_EXACT" or "SIGMOID" ? a.VoiLutFunction : "LINEAR";
        if (a.WindowCenter is { } center && a.WindowWidth is { } width)
        {
            if (width >= (function == "LINEAR" ? 1 : double.Epsilon)) return new DicomWindow(DicomWindow.FromFile, center, width, function);
            warnings.Add($"the file's window width {width} is not valid; used the default window");
        }
        if (a.BitsStored <= 8 && !a.Signed && a.RescaleSlope == 1 && a.RescaleIntercept == 0)
            return new DicomWindow(DicomWindow.Stored, 128, 256, "LINEAR");
        double low = Percentile(counts, min, n, DicomWindow.LowPercentile) * a.RescaleSlope + a.RescaleIntercept;
        double high = Percentile(counts, min, n, DicomWindow.HighPercentile) * a.RescaleSlope + a.RescaleIntercept;
        if (low > high) (low, high) = (high, low);
        if (high - low < 1e-9) high = low + 1; // a flat image: any window shows it flat
        return new DicomWindow(DicomWindow.Percentiles, (low + high) / 2, high - low, "LINEAR_EXACT");
    }

    /// <summary>The smallest stored value with at least <paramref name="percent"/>% of the pixels at or below it.</summary>
    internal static int Percentile(int[] counts, int min, int n, double percent)
    {
        long needed = Math.Max(1, (long)Math.Ceiling(n * percent / 100));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
            if ((seen += counts[i]) >= needed) return min + i;
        return min + counts.Length - 1;
    }

    /// <summary>Interleaved 8-bit RGB from RGB or YBR_FULL samples (pixel-interleaved or planar).</summary>
    private static byte[] Colour(DicomAttributes a, byte[] samples, string photometric, int planar, string name)
    {
        if (a.SamplesPerPixel != 3 || a.BitsAllocated != 8)
            throw new DicomException(DicomProblem.Unsupported,
                $"{name}: colour DICOM with {a.SamplesPerPixel} samples of {a.BitsAllocated} bits is not supported (8-bit RGB or YBR_FULL only)");
        int n = a.Rows * a.Columns;
        var rgb = new byte[3 * n];
        for (int i = 0; i < n; i++)
        {
            int s0 = planar == 1 ? i : 3 * i, s1 = planar == 1 ? n + i : 3 * i + 1, s2 = planar == 1 ? 2 * n + i : 3 * i + 2;
            rgb[3 * i] = samples[s0];
            rgb[3 * i + 1] = samples[s1];
            rgb[3 * i + 2] = samples[s2];
        }
        if (photometric is "YBR_FULL" or "YBR_FULL_422")
            for (int i = 0; i < 3 * n; i += 3)
            {
                // ITU-R BT.601 full range (DICOM PS3.3 C.7.6.3.1.2).
                double y = rgb[i], cb = rgb[i + 1] - 128.0, cr = rgb[i + 2] - 128.0;
                rgb[i] = Byte(y + 1.402 * cr);
                rgb[i + 1] = Byte(y - 0.344136 * cb - 0.714136 * cr);
                rgb[i + 2] = Byte(y + 1.772 * cb);
            }
        else if (photometric is not ("RGB" or "YBR_ICT" or "YBR_RCT"))
            throw new DicomException(DicomProblem.Unsupported, $"{name}: colour DICOM in {photometric} is not supported (RGB or YBR_FULL only)");
        return rgb;
    }

    private static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255);
}
