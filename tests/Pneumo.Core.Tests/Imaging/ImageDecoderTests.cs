using Pneumo.Imaging;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Imaging;

public class ImageDecoderTests
{
    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    private static SKBitmap Filled(int w, int h, SKColorType type, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(w, h, type, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }

    [Fact]
    public void GreyImagesBecomeThreeEqualChannelsAtTheTargetSize()
    {
        using var grey = Filled(300, 200, SKColorType.Gray8, new SKColor(90, 90, 90));
        var image = new ImageDecoder(64).Decode(Encode(grey, SKEncodedImageFormat.Png), "grey.png");
        Assert.Equal(64, image.Width);
        Assert.Equal(64, image.Height);
        Assert.All(image.Pixels, p => Assert.Equal(90, p));
    }

    [Fact]
    public void RgbaKeepsColourAndDropsAlpha()
    {
        using var rgba = Filled(50, 50, SKColorType.Rgba8888, new SKColor(200, 100, 50, 128));
        var image = new ImageDecoder(32).Decode(Encode(rgba, SKEncodedImageFormat.Png), "rgba.png");
        Assert.Equal(200, image[0, 5, 5]);
        Assert.Equal(100, image[1, 5, 5]);
        Assert.Equal(50, image[2, 5, 5]);
    }

    [Fact]
    public void SixteenBitPngIsReducedToEightBits()
    {
        // 16-bit RGB, every pixel (0xFFFF, 0x0000, 0x8080): 8-bit (255, 0, 128).
        var bytes = PngWriter.Rgb16(20, 10, (x, y) => (0xFFFF, 0, 0x8080));
        var image = new ImageDecoder(16).Decode(bytes, "deep.png");
        Assert.Equal(255, image[0, 3, 3]);
        Assert.Equal(0, image[1, 3, 3]);
        Assert.InRange(image[2, 3, 3], 127, 129);
    }

    [Fact]
    public void BadInputsGiveOneLineErrorsNamingTheFile()
    {
        using var dir = new TempDir();
        var decoder = new ImageDecoder(32);
        using var bmp = Filled(64, 64, SKColorType.Rgba8888, SKColors.Gray);
        var jpeg = Encode(bmp, SKEncodedImageFormat.Jpeg);
        File.WriteAllBytes(dir.Combine("truncated.jpeg"), jpeg[..(jpeg.Length / 2)]);
        File.WriteAllBytes(dir.Combine("empty.jpeg"), []);
        File.WriteAllText(dir.Combine("text.jpeg"), "this is not an image\n");

        AssertError(() => decoder.Decode(dir.Combine("truncated.jpeg")), "truncated.jpeg", "truncated");
        AssertError(() => decoder.Decode(dir.Combine("empty.jpeg")), "empty.jpeg", "empty file");
        AssertError(() => decoder.Decode(dir.Combine("text.jpeg")), "text.jpeg", "not a readable image");
        AssertError(() => decoder.Decode(dir.Combine("missing.jpeg")), "missing.jpeg", "not found");
    }

    [Fact]
    public void OversizedDimensionsAreRejectedBeforeDecoding()
    {
        using var bmp = Filled(100, 100, SKColorType.Rgba8888, SKColors.Gray);
        var decoder = new ImageDecoder(32) { MaxPixels = 5000 };
        AssertError(() => decoder.Decode(Encode(bmp, SKEncodedImageFormat.Png), "big.png"), "big.png", "100x100");
    }

    private static void AssertError(Action act, string file, string text)
    {
        var e = Assert.Throws<DataException>(act);
        Assert.Contains(file, e.Message);
        Assert.Contains(text, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [SkippableFact]
    public void RealXrayDecodesTo224Rgb()
    {
        var root = TestData.RequireDataset();
        var file = Directory.GetFiles(Path.Combine(root, "test", "NORMAL")).Order(StringComparer.Ordinal).First();
        var image = new ImageDecoder().Decode(file);
        Assert.Equal(224, image.Width);
        Assert.Equal(3 * 224 * 224, image.Pixels.Length);
        Assert.True(image.Pixels.Distinct().Count() > 50, "a real X-ray has many grey levels");
    }
}
