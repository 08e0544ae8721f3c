using System.IO.Compression;
using System.Text;

namespace Pneumo.Tests;

/// <summary>Writes PNG files byte by byte, for the cases SkiaSharp will not encode (16-bit channels, lying headers).</summary>
internal static class PngWriter
{
    /// <summary>A PNG with the given header fields and raw (filtered, uncompressed) scanline bytes.</summary>
    public static byte[] Write(int width, int height, byte bitDepth, byte colourType, byte[] rawScanlines)
    {
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(rawScanlines);

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BigEndian(header, 0, width);
        BigEndian(header, 4, height);
        header[8] = bitDepth;
        header[9] = colourType;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 16-bit-per-channel RGB PNG.</summary>
    public static byte[] Rgb16(int width, int height, Func<int, int, (int R, int G, int B)> pixel)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                foreach (var v in new[] { r, g, b }) { raw.WriteByte((byte)(v >> 8)); raw.WriteByte((byte)v); }
            }
        }
        return Write(width, height, bitDepth: 16, colourType: 2, raw.ToArray());
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        BigEndian(length, 0, data.Length);
        s.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BigEndian(crc, 0, (int)Crc32(typed));
        s.Write(crc);
    }

    private static void BigEndian(byte[] b, int at, int v)
    {
        b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v;
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
