using SkiaSharp;

namespace Pneumo.Tests;

/// <summary>
/// Images that are valid but unusual (very wide, blank) and JPEGs damaged the ways a hostile or broken upload is: a
/// scan cut short but still closed with EOI, a frame header larger than its data, a file cut in the middle.
/// </summary>
internal static class DamagedImages
{
    /// <summary>A grey (8-bit greyscale) PNG of one value; <paramref name="value"/> 0 is a blank black image.</summary>
    public static byte[] GreyPng(int width, int height, byte value = 128)
    {
        var raw = new byte[height * (width + 1)];
        for (int y = 0; y < height; y++) Array.Fill(raw, value, y * (width + 1) + 1, width);  // filter byte 0, then the row
        return PngWriter.Write(width, height, bitDepth: 8, colourType: 0, raw);
    }

    /// <summary>A baseline JPEG of a textured colour gradient (its entropy-coded data is not trivially small), chroma subsampled as asked.</summary>
    public static byte[] Jpeg(int width = 224, int height = 224, SKJpegEncoderDownsample downsample = SKJpegEncoderDownsample.Downsample420)
    {
        using var bitmap = new SKBitmap(width, height);
        var random = new Random(7);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var v = (byte)Math.Clamp(x * 200 / width + random.Next(40), 0, 255);
            bitmap.SetPixel(x, y, new SKColor(v, (byte)(v / 2 + y % 64), (byte)(255 - v)));
        }
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(90, downsample, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp did not encode the JPEG");
        return data.ToArray();
    }

    /// <summary>The offset of the first byte after the SOS segment (where the entropy-coded scan starts).</summary>
    private static int ScanStart(byte[] jpeg)
    {
        int i = 2;
        while (true)
        {
            int marker = jpeg[i + 1], length = jpeg[i + 2] << 8 | jpeg[i + 3];
            if (marker == 0xDA) return i + 2 + length;
            i += 2 + length;
        }
    }

    /// <summary>The JPEG with its scan cut to <paramref name="keep"/> of its length, then closed with EOI as a whole file is.</summary>
    public static byte[] ScanCutWithEoi(byte[] jpeg, double keep = 0.5)
    {
        int start = ScanStart(jpeg), scan = jpeg.Length - 2 - start;
        int cut = start + (int)(scan * keep);
        if (jpeg[cut - 1] == 0xFF) cut--;  // not in the middle of a stuffed byte or marker
        return [.. jpeg[..cut], 0xFF, 0xD9];
    }

    /// <summary>The JPEG with its frame header (SOF0) declaring <paramref name="width"/> x <paramref name="height"/> over the same data.</summary>
    public static byte[] FrameHeaderLie(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        int i = 2;
        while (copy[i + 1] != 0xC0) i += 2 + (copy[i + 2] << 8 | copy[i + 3]);
        copy[i + 5] = (byte)(height >> 8);
        copy[i + 6] = (byte)height;
        copy[i + 7] = (byte)(width >> 8);
        copy[i + 8] = (byte)width;
        return copy;
    }

    /// <summary>The first <paramref name="keep"/> of the file, nothing after (SkiaSharp's incomplete input).</summary>
    public static byte[] Cut(byte[] file, double keep = 0.6) => file[..(int)(file.Length * keep)];
}
