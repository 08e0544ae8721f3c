using Pneumo.Data.Dicom;
using SkiaSharp;

namespace Pneumo.Data;

/// <summary>Decodes image files (JPEG, PNG, ..., and DICOM) into square RGB images of a fixed size.</summary>
/// <remarks>
/// Any source format becomes 3-channel RGB: grey is replicated, alpha is dropped (unpremultiplied colour kept), 16-bit
/// channels are reduced to 8 bits. Images are resized to <c>size x size</c> without keeping the aspect ratio (as Keras'
/// <c>target_size</c> does) with linear filtering and mipmaps. Truncated or corrupt files (a JPEG whose data holds fewer
/// blocks than its frame header declares too, see <see cref="JpegScanCheck"/>), non-images and images above
/// <see cref="MaxPixels"/> are rejected with a <see cref="DataException"/> whose message names the file.
/// DICOM (the "DICM" prefix at offset 128, or a <c>.dcm</c> name) is read by <see cref="DicomReader"/> into 8-bit display
/// pixels first (window, rescale, MONOCHROME1 inversion), then resized the same way.
/// </remarks>
public sealed class ImageDecoder(int size = 224)
{
    /// <summary>The largest image accepted, in pixels, checked from the header before decoding (no decompression bombs).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    public int Size { get; } = size;

    /// <summary>Which DICOM files are accepted (by default radiographs only).</summary>
    public DicomOptions Dicom { get; init; } = new();

    /// <summary>Receives "NAME: warning" lines about images that were decoded anyway (a multi-frame DICOM file, ...); null for none.</summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>
    /// An <see cref="OnWarning"/> that passes each warning to <paramref name="log"/> as one <c>warning: ...</c> line,
    /// one at a time (images decode in parallel); null when <paramref name="log"/> is null.
    /// </summary>
    public static Action<string>? WarningsTo(Action<string>? log)
    {
        if (log is null) return null;
        var gate = new Lock();
        return w => { lock (gate) log($"warning: {w}"); };
    }

    /// <summary>Decodes a file.</summary>
    public RgbImage Decode(string path) => Decode(ReadFile(path), path);

    /// <summary>The bytes of an image file; a missing or unreadable file is a <see cref="DataException"/> naming it.</summary>
    public static byte[] ReadFile(string path) => ReadFile(path, long.MaxValue);

    /// <summary>The bytes of an image file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <remarks>
    /// Only regular files are read: a device (<c>/dev/zero</c>), a pipe or a socket reports no size and is refused before
    /// it is opened (opening a FIFO would wait for a writer, reading a device would not end), as is an empty file.
    /// </remarks>
    /// <exception cref="DataException">Missing, a directory, not a regular file, empty, over the limit, or unreadable; the message names the file.</exception>
    public static byte[] ReadFile(string path, long maxBytes)
    {
        if (!File.Exists(path))
            throw new DataException(Directory.Exists(path) ? $"{path}: is a directory, not an image" : $"{path}: file not found") { Code = ErrorCode.NotFound };
        try
        {
            long length = new FileInfo(path).Length;
            if (length == 0) throw new DataException($"{path}: empty file, or not a regular file (a device, pipe or socket): not read") { Code = ErrorCode.CorruptImage };
            if (length > maxBytes) throw new DataException($"{path}: the file is {Megabytes(length)} MB, over the {Megabytes(maxBytes)} MB limit") { Code = ErrorCode.TooLarge };
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length > maxBytes) throw new DataException($"{path}: the file grew over the {Megabytes(maxBytes)} MB limit while it was read") { Code = ErrorCode.TooLarge };
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read ({e.Message})", e);
        }
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Decodes encoded image bytes to <see cref="Size"/> x <see cref="Size"/>; <paramref name="name"/> is used in error messages.</summary>
    public RgbImage Decode(byte[] encoded, string name)
    {
        if (!DicomFormat.Is(encoded, name)) return DecodeTo(encoded, name, _ => new SKSizeI(Size, Size));
        var dicom = DicomReader.Read(encoded, name, Dicom, MaxPixels);
        foreach (var warning in dicom.Info.Warnings) OnWarning?.Invoke($"{name}: {warning}");
        return Decode(dicom, name);
    }

    /// <summary>Resizes a decoded DICOM image to <see cref="Size"/> x <see cref="Size"/>, as <see cref="Decode(byte[], string)"/> does.</summary>
    public RgbImage Decode(DicomImage image, string name)
    {
        using var bitmap = ToBitmap(image);
        return Resize(bitmap, new SKSizeI(Size, Size), name);
    }

    /// <summary>A decoded DICOM image for display, as <see cref="DecodeForDisplay(byte[], string, int)"/>.</summary>
    public RgbImage DecodeForDisplay(DicomImage image, string name, int side)
    {
        using var bitmap = ToBitmap(image);
        return Resize(bitmap, DisplaySize(new SKSizeI(image.Width, image.Height), side), name);
    }

    /// <summary>Decodes for display: the aspect ratio kept, the longer side scaled (down or up) to <paramref name="side"/> pixels.</summary>
    public RgbImage DecodeForDisplay(byte[] encoded, string name, int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        if (DicomFormat.Is(encoded, name)) return DecodeForDisplay(DicomReader.Read(encoded, name, Dicom, MaxPixels), name, side);
        return DecodeTo(encoded, name, source => DisplaySize(source, side));
    }

    private static SKSizeI DisplaySize(SKSizeI source, int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        double scale = (double)side / Math.Max(source.Width, source.Height);
        return new SKSizeI(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
    }

    /// <summary>An image that does not decode (<see cref="ErrorCode.CorruptImage"/>); the message names it.</summary>
    private static DataException Corrupt(string message) => new(message) { Code = ErrorCode.CorruptImage };

    /// <summary>Reads the format and dimensions from the header alone (cheap, safe on hostile files).</summary>
    /// <exception cref="DataException">Empty, unknown or corrupt header.</exception>
    public static ImageHeader ReadHeader(byte[] encoded, string name)
    {
        if (encoded.Length == 0) throw Corrupt($"{name}: empty file");
        if (DicomFormat.Is(encoded, name)) return DicomReader.ReadHeader(encoded, name);
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw Corrupt($"{name}: not a readable image (unknown or corrupt format)");
        var format = ImageFormats.Sniff(encoded) ?? codec.EncodedFormat.ToString().ToLowerInvariant();
        return new ImageHeader(format, codec.Info.Width, codec.Info.Height);
    }

    private RgbImage DecodeTo(byte[] encoded, string name, Func<SKSizeI, SKSizeI> targetSize)
    {
        if (encoded.Length == 0) throw Corrupt($"{name}: empty file");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw Corrupt($"{name}: not a readable image (unknown or corrupt format)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw Corrupt($"{name}: image has no pixels");
        if ((long)info.Width * info.Height > MaxPixels)
            throw new DataException($"{name}: image is {info.Width}x{info.Height}, larger than the {MaxPixels:N0}-pixel limit") { Code = ErrorCode.TooLarge };
        // libjpeg fills a scan that ends early with flat blocks and calls it a success: count the blocks first.
        if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg && JpegScanCheck.FindProblem(encoded) is { } problem)
            throw Corrupt($"{name}: {problem}");
        var target = targetSize(info.Size);

        // Decode at a reduced scale when the codec supports it (JPEG does, in 1/8 steps): much faster for large files.
        var scale = Math.Max((float)target.Width / info.Width, (float)target.Height / info.Height);
        var dims = scale < 1 ? codec.GetScaledDimensions(scale) : info.Size;
        var decodeInfo = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
            throw Corrupt($"{name}: truncated image (the file ends before the image data does)");
        if (result != SKCodecResult.Success)
            throw Corrupt($"{name}: cannot decode image ({result})");

        return Resize(decoded, target, name);
    }

    private static RgbImage Resize(SKBitmap decoded, SKSizeI target, string name)
    {
        using var resized = decoded.Width == target.Width && decoded.Height == target.Height
            ? null
            : decoded.Resize(new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                             new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var source = resized ?? decoded;
        if (source is null) throw Corrupt($"{name}: cannot resize image");
        return ToPlanarRgb(source);
    }

    /// <summary>A DICOM image as an opaque RGBA bitmap (grey replicated), like a decoded JPEG.</summary>
    private static SKBitmap ToBitmap(DicomImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = bitmap.GetPixelSpan();
        var pixels = image.Pixels;
        int n = image.Width * image.Height;
        for (int i = 0; i < n; i++)
        {
            int o = 4 * i;
            if (image.Channels == 1) rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[i];
            else { rgba[o] = pixels[3 * i]; rgba[o + 1] = pixels[3 * i + 1]; rgba[o + 2] = pixels[3 * i + 2]; }
            rgba[o + 3] = 255;
        }
        return bitmap;
    }

    private static RgbImage ToPlanarRgb(SKBitmap bitmap)
    {
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        var rgba = bitmap.GetPixelSpan();
        var plane = image.PlaneSize;
        var pixels = image.Pixels;
        for (int i = 0; i < plane; i++)
        {
            pixels[i] = rgba[4 * i];
            pixels[plane + i] = rgba[4 * i + 1];
            pixels[2 * plane + i] = rgba[4 * i + 2];
        }
        return image;
    }
}
