using System.Net.Http.Headers;
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
    public static byte[] HugePng(int side) => PngWriter.Write(side, side, bitDepth: 8, colourType: 2, new byte[1 + 3 * 64]);

    /// <summary>A multipart form with one file part.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName, string field = "file", string contentType = "image/jpeg")
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { part, field, fileName } };
    }
}
