using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using SkiaSharp;

namespace Pneumo.Tests;

/// <summary>Files to upload: real X-rays, synthetic images, and hostile ones.</summary>
internal static class Uploads
{
    /// <summary>A real X-ray from the test split (PNEUMONIA when <paramref name="pneumonia"/>), or null without the dataset.</summary>
    public static string? RealXray(bool pneumonia = true)
    {
        var root = TestData.DatasetRoot;
        if (root is null) return null;
        return Directory.GetFiles(Path.Combine(root, "test", pneumonia ? "PNEUMONIA" : "NORMAL")).Order(StringComparer.Ordinal).First();
    }

    /// <summary>A grey gradient encoded as JPEG.</summary>
    public static byte[] SyntheticJpeg(int width = 300, int height = 260)
    {
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A valid PNG header claiming <paramref name="side"/> x <paramref name="side"/> RGB pixels, with almost no data: a decompression bomb's shape.</summary>
    public static byte[] HugePng(int side)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BigEndian(header, 0, side);
        BigEndian(header, 4, side);
        header[8] = 8;  // bit depth
        header[9] = 2;  // RGB
        Chunk(png, "IHDR", header);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[1 + 3 * 64]);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A multipart form with one file part.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName, string field = "file", string contentType = "image/jpeg")
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { part, field, fileName } };
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
        b[at] = (byte)(v >> 24);
        b[at + 1] = (byte)(v >> 16);
        b[at + 2] = (byte)(v >> 8);
        b[at + 3] = (byte)v;
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
