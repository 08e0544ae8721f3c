using SkiaSharp;

namespace Pneumo.Imaging;

/// <summary>
/// A format SkiaSharp decodes, recognised by its signature: JPEG (whose scan is counted first, see
/// <see cref="JpegScanCheck"/>) and PNG. The decoder underneath understands more (BMP, GIF, WebP, ICO, WBMP), several
/// with weak or no signatures; only the formats registered in <see cref="ImageFormats"/> are ever handed to it.
/// </summary>
public sealed class RasterFormat : IImageFormat
{
    public static readonly RasterFormat Jpeg = new("jpeg", "image/jpeg", [".jpeg", ".jpg"], [0xFF, 0xD8, 0xFF], checkScan: true);
    public static readonly RasterFormat Png = new("png", "image/png", [".png"], [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

    private readonly byte[] signature;
    private readonly bool checkScan;

    private RasterFormat(string name, string contentType, IReadOnlyList<string> extensions, byte[] signature, bool checkScan = false) =>
        (Name, ContentType, Extensions, this.signature, this.checkScan) = (name, contentType, extensions, signature, checkScan);

    public string Name { get; }
    public string ContentType { get; }
    public IReadOnlyList<string> Extensions { get; }
    public int SignatureLength => signature.Length;

    public bool HasSignature(ReadOnlySpan<byte> content) => content.StartsWith(signature);

    public ImageHeader ReadHeader(byte[] encoded, string name)
    {
        using var data = Data(encoded, name);
        using var codec = SKCodec.Create(data) ?? throw NotReadable(name);
        return new ImageHeader(Name, codec.Info.Width, codec.Info.Height);
    }

    public OpenedImage Open(byte[] encoded, string name, ImageDecoder limits)
    {
        var data = Data(encoded, name);
        var codec = SKCodec.Create(data);
        try
        {
            if (codec is null) throw NotReadable(name);
            var info = codec.Info;
            if (info.Width <= 0 || info.Height <= 0) throw Bitmaps.Corrupt($"{name}: image has no pixels");
            if ((long)info.Width * info.Height > limits.MaxPixels)
                throw new DataException($"{name}: image is {info.Width}x{info.Height}, larger than the {limits.MaxPixels:N0}-pixel limit") { Code = ErrorCode.TooLarge };
            // libjpeg fills a scan that ends early with flat blocks and calls it a success: count the blocks first.
            if (checkScan && JpegScanCheck.FindProblem(encoded) is { } problem) throw Bitmaps.Corrupt($"{name}: {problem}");
            return new Image(this, data, codec, name);
        }
        catch
        {
            codec?.Dispose();
            data.Dispose();
            throw;
        }
    }

    private static SKData Data(byte[] encoded, string name) =>
        encoded.Length == 0 ? throw Bitmaps.Corrupt($"{name}: empty file") : SKData.CreateCopy(encoded);

    private static DataException NotReadable(string name) => Bitmaps.Corrupt($"{name}: not a readable image (unknown or corrupt format)");

    /// <summary>The codec over the bytes, decoding for each size: JPEG decodes at a reduced scale (1/8 steps), much faster for large files.</summary>
    private sealed class Image(RasterFormat format, SKData data, SKCodec codec, string name) : OpenedImage
    {
        public override IImageFormat Format => format;
        public override (int Width, int Height) Size => (codec.Info.Width, codec.Info.Height);

        public override RgbImage Resize(int width, int height)
        {
            var info = codec.Info;
            var scale = Math.Max((float)width / info.Width, (float)height / info.Height);
            var dims = scale < 1 ? codec.GetScaledDimensions(scale) : info.Size;
            var decodeInfo = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            using var decoded = new SKBitmap(decodeInfo);
            var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
            if (result == SKCodecResult.IncompleteInput) throw Bitmaps.Corrupt($"{name}: truncated image (the file ends before the image data does)");
            if (result != SKCodecResult.Success) throw Bitmaps.Corrupt($"{name}: cannot decode image ({result})");
            return Bitmaps.Resize(decoded, new SKSizeI(width, height), name);
        }

        public override void Dispose()
        {
            codec.Dispose();
            data.Dispose();
            base.Dispose();
        }
    }
}
