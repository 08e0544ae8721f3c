using Pneumo.Imaging.Dicom;

namespace Pneumo.Imaging;

/// <summary>Decodes image files of the registered formats (<see cref="ImageFormats"/>) into square RGB images of a fixed size.</summary>
/// <remarks>
/// Each format opens its bytes (<see cref="IImageFormat.Open"/>) and the image is resized to <c>size x size</c> without
/// keeping the aspect ratio (as Keras' <c>target_size</c> does), see <see cref="OpenedImage"/>. Bytes of no registered
/// format, truncated or corrupt files, and images above <see cref="MaxPixels"/> are rejected with a
/// <see cref="DataException"/> whose message names the file. This class holds the limits every format reads under.
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
        using var image = Open(encoded, name);
        return image.Resize(Size, Size);
    }

    /// <summary>Decodes for display: the aspect ratio kept, the longer side scaled (down or up) to <paramref name="side"/> pixels.</summary>
    public RgbImage DecodeForDisplay(byte[] encoded, string name, int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        using var image = Open(encoded, name);
        return image.ResizeForDisplay(side);
    }

    /// <summary>
    /// Opens encoded bytes once as their format (<see cref="ImageFormats"/>) under this decoder's limits, to be resized to
    /// as many sizes as needed (<see cref="Size"/> is <c>Resize(Size, Size)</c>).
    /// </summary>
    /// <exception cref="DataException">Not a registered format, corrupt, too large or refused; the message names the image.</exception>
    public OpenedImage Open(byte[] encoded, string name) => ImageFormats.Require(encoded, name).Open(encoded, name, this);

    /// <summary>Reads the format and dimensions from the header alone (cheap, safe on hostile files).</summary>
    /// <exception cref="DataException">Empty, unknown or corrupt header.</exception>
    public static ImageHeader ReadHeader(byte[] encoded, string name) => ImageFormats.Require(encoded, name).ReadHeader(encoded, name);
}
