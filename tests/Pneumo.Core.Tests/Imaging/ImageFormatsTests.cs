using Pneumo.Imaging;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Imaging;

/// <summary>The registry of formats: what each recognises, and that whatever is not registered is refused everywhere.</summary>
public class ImageFormatsTests
{
    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(40, 30, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(120, 60, 30));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    [Fact]
    public void EachFormatIsRecognisedByItsContentWhateverTheName()
    {
        var jpeg = Encode(SKEncodedImageFormat.Jpeg);
        var png = Encode(SKEncodedImageFormat.Png);
        var dicom = new byte[200];
        "DICM"u8.CopyTo(dicom.AsSpan(128));
        Assert.Same(ImageFormats.Jpeg, ImageFormats.Sniff(jpeg));
        Assert.Same(ImageFormats.Png, ImageFormats.Sniff(png));
        Assert.Same(ImageFormats.Dicom, ImageFormats.Sniff(dicom));
        Assert.Same(ImageFormats.Png, ImageFormats.Of(png, "scan.jpeg"));       // the content wins over the name
        Assert.Same(ImageFormats.Jpeg, ImageFormats.Of(jpeg, "study.dcm"));
        Assert.Same(ImageFormats.Dicom, ImageFormats.Of(new byte[20], "STUDY.DCM")); // DICOM without its preamble: by name
        Assert.Null(ImageFormats.Of(new byte[20], "scan.png"));                  // other formats: by content only
        Assert.Equal(("png", 40, 30), (ImageDecoder.ReadHeader(png, "x").Format, ImageDecoder.ReadHeader(png, "x").Width, ImageDecoder.ReadHeader(png, "x").Height));
    }

    /// <summary>A 2x2 24-bit BMP, written by hand (SkiaSharp encodes no BMP).</summary>
    private static byte[] Bmp()
    {
        var b = new byte[54 + 16];
        "BM"u8.CopyTo(b);
        BitConverter.GetBytes(b.Length).CopyTo(b, 2);
        BitConverter.GetBytes(54).CopyTo(b, 10);   // pixel data offset
        BitConverter.GetBytes(40).CopyTo(b, 14);   // BITMAPINFOHEADER
        BitConverter.GetBytes(2).CopyTo(b, 18);    // width
        BitConverter.GetBytes(2).CopyTo(b, 22);    // height
        BitConverter.GetBytes((short)1).CopyTo(b, 26);
        BitConverter.GetBytes((short)24).CopyTo(b, 28);
        for (int i = 54; i < b.Length; i++) b[i] = 0x80;
        return b;
    }

    /// <summary>The smallest GIF: one transparent pixel.</summary>
    private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static TheoryData<string> Unregistered => ["bmp", "gif", "webp"];

    /// <summary>
    /// The decoder underneath reads BMP, GIF and WebP (checked here); none is registered, so none is decoded or even
    /// measured, whatever the file is called.
    /// </summary>
    [Theory]
    [MemberData(nameof(Unregistered))]
    public void AnUnregisteredFormatIsRefusedWithOneLineNamingTheFile(string format)
    {
        var bytes = format switch { "bmp" => Bmp(), "gif" => Gif, _ => Encode(SKEncodedImageFormat.Webp) };
        using (var codec = SKCodec.Create(new SKMemoryStream(bytes))) Assert.NotNull(codec);
        var e = Assert.Throws<DataException>(() => new ImageDecoder(32).Decode(bytes, "scan.jpeg"));
        Assert.Equal(ErrorCode.UnsupportedFormat, e.Code);
        Assert.Equal("scan.jpeg: not a readable image (not JPEG, PNG or DICOM; its content is checked, not its name)", e.Message);
        Assert.Equal(ErrorCode.UnsupportedFormat, Assert.Throws<DataException>(() => ImageDecoder.ReadHeader(bytes, "scan.jpeg")).Code);
    }

    [Fact]
    public void TheAcceptListAndTheNamesComeFromTheRegistry()
    {
        Assert.Equal("JPEG, PNG or DICOM", ImageFormats.Names);
        Assert.Equal("image/jpeg,image/png,application/dicom,.jpeg,.jpg,.png,.dcm", ImageFormats.AcceptList);
        Assert.All(ImageFormats.All, f => Assert.Contains(f.ContentType, ImageFormats.AcceptList));
    }

    /// <summary>The dataset lists a file by a format's extension, or by its content whatever it is called; nothing else.</summary>
    [Fact]
    public void AFileIsListedByExtensionOrBySignature()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.Combine("a.JPG"), [1, 2, 3]);                      // by name (refused later, when read)
        File.WriteAllBytes(dir.Combine("scan"), Encode(SKEncodedImageFormat.Png)); // by content
        File.WriteAllBytes(dir.Combine("notes.txt"), "hello"u8.ToArray());
        File.WriteAllBytes(dir.Combine("empty"), []);
        Assert.True(ImageFormats.IsImageFile(dir.Combine("a.JPG")));
        Assert.True(ImageFormats.IsImageFile(dir.Combine("scan")));
        Assert.False(ImageFormats.IsImageFile(dir.Combine("notes.txt")));
        Assert.False(ImageFormats.IsImageFile(dir.Combine("empty")));
    }

    /// <summary>An image is opened once and resized to each size asked for; the display keeps its aspect ratio.</summary>
    [Fact]
    public void AnOpenedImageResizesToEverySizeAndKeepsItsOwn()
    {
        var png = Encode(SKEncodedImageFormat.Png);
        using var image = new ImageDecoder(64).Open(png, "x.png");
        Assert.Same(ImageFormats.Png, image.Format);
        Assert.Equal((40, 30), image.Size);
        Assert.Null(image.Dicom);
        Assert.Equal((64, 64), (image.Resize(64, 64).Width, image.Resize(64, 64).Height));
        var display = image.ResizeForDisplay(80);
        Assert.Equal((80, 60), (display.Width, display.Height));
        Assert.Equal(120, display[0, 10, 10]);
        Assert.Equal(new ImageDecoder(64).Decode(png, "x.png").Pixels, image.Resize(64, 64).Pixels);

        // A JPEG's codec decodes at a reduced scale for a small size: one codec, asked again at other scales, gives what
        // a fresh decode gives.
        using var large = new SKBitmap(new SKImageInfo(400, 300, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 300; y++) for (int x = 0; x < 400; x++) large.SetPixel(x, y, new SKColor((byte)x, (byte)y, (byte)(x ^ y)));
        using var encoded = SKImage.FromBitmap(large).Encode(SKEncodedImageFormat.Jpeg, 90);
        var jpeg = encoded.ToArray();
        using var opened = new ImageDecoder(32).Open(jpeg, "x.jpeg");
        var first = opened.Resize(32, 32).Pixels;
        var shown = opened.ResizeForDisplay(200);
        Assert.Equal((200, 150), (shown.Width, shown.Height));
        Assert.Equal(first, opened.Resize(32, 32).Pixels);
        Assert.Equal(new ImageDecoder(32).Decode(jpeg, "x.jpeg").Pixels, first);
        Assert.Equal(new ImageDecoder().DecodeForDisplay(jpeg, "x.jpeg", 200).Pixels, shown.Pixels);
    }
}
