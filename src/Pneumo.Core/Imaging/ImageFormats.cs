using Pneumo.Imaging.Dicom;

namespace Pneumo.Imaging;

/// <summary>
/// The registry of the image formats Pneumo reads (<see cref="IImageFormat"/>): JPEG, PNG and DICOM. The decoder, the
/// dataset loader, <c>predict</c>, the web service and its page's file picker all ask here, so the formats accepted are
/// the same everywhere and adding one is one <see cref="IImageFormat"/> added to <see cref="All"/>.
/// </summary>
/// <remarks>
/// Formats are recognised by their first bytes, whatever a file is called (DICOM also by a <c>.dcm</c> name, as files
/// without the Part 10 preamble exist). The decoder underneath also understands formats with weak or no signatures
/// (BMP, GIF, WebP, ICO, WBMP); bytes are checked against these signatures before anything is decoded, so those never
/// reach it, from a file or an upload.
/// </remarks>
public static class ImageFormats
{
    public static IImageFormat Jpeg => RasterFormat.Jpeg;
    public static IImageFormat Png => RasterFormat.Png;
    public static IImageFormat Dicom => DicomImageFormat.Instance;

    /// <summary>Every format read, in the order they are tried.</summary>
    public static IReadOnlyList<IImageFormat> All { get; } = [RasterFormat.Jpeg, RasterFormat.Png, DicomImageFormat.Instance];

    /// <summary>The formats for messages: "JPEG, PNG or DICOM".</summary>
    public static string Names { get; } =
        string.Join(", ", All.SkipLast(1).Select(f => f.Name.ToUpperInvariant())) + " or " + All[^1].Name.ToUpperInvariant();

    /// <summary>The file picker's <c>accept</c> list: every content type, then every extension.</summary>
    public static string AcceptList { get; } =
        string.Join(",", All.Select(f => f.ContentType).Concat(All.SelectMany(f => f.Extensions)));

    /// <summary>The extensions of every format, for messages: ".jpeg/.jpg/.png/.dcm".</summary>
    public static string ExtensionList { get; } = string.Join("/", All.SelectMany(f => f.Extensions));

    /// <summary>The format whose signature the content starts with, or null.</summary>
    public static IImageFormat? Sniff(ReadOnlySpan<byte> content)
    {
        foreach (var format in All)
            if (format.HasSignature(content)) return format;
        return null;
    }

    /// <summary>The format of bytes named <paramref name="name"/>: by signature, else a format that claims the name; or null.</summary>
    public static IImageFormat? Of(ReadOnlySpan<byte> content, string name) => Sniff(content) ?? All.FirstOrDefault(f => f.ClaimsName(name));

    /// <summary>The format of encoded bytes; anything else is refused with one line naming the image.</summary>
    /// <exception cref="DataException">Not a registered format (<see cref="ErrorCode.UnsupportedFormat"/>), or empty (<see cref="ErrorCode.CorruptImage"/>).</exception>
    public static IImageFormat Require(ReadOnlySpan<byte> content, string name) =>
        content.Length == 0 ? throw new DataException($"{name}: empty file") { Code = ErrorCode.CorruptImage }
        : Of(content, name) ?? throw new DataException($"{name}: not a readable image (not {Names}; its content is checked, not its name)")
        { Code = ErrorCode.UnsupportedFormat };

    /// <summary>
    /// True for a file to list as an image: one of the formats' extensions, or (whatever it is called) content that starts
    /// with a format's signature.
    /// </summary>
    /// <remarks>
    /// A file of no size is not opened to look at its content: a FIFO would block the listing (and a device or socket is
    /// no image either); a <c>.jpeg</c> or <c>.dcm</c> one is listed, and refused when it is read. Unreadable files are not listed.
    /// </remarks>
    public static bool IsImageFile(string path)
    {
        var extension = Path.GetExtension(path);
        if (All.Any(f => f.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))) return true;
        if (new FileInfo(path).Length == 0) return false;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            Span<byte> head = stackalloc byte[All.Max(f => f.SignatureLength)];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Sniff(head[..read]) is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
