namespace Pneumo.Imaging.Dicom;

/// <summary>Recognises DICOM files: the <c>.dcm</c> extension, or "DICM" at offset 128 (the Part 10 preamble) whatever the name.</summary>
public static class DicomFormat
{
    /// <summary>The format name used beside "jpeg" and "png" (see <see cref="ImageFormats"/>).</summary>
    public const string Name = "dicom";

    public const string Extension = ".dcm";

    /// <summary>Where the "DICM" prefix starts: after the 128-byte preamble.</summary>
    public const int MagicOffset = 128;

    private static ReadOnlySpan<byte> Magic => "DICM"u8;

    /// <summary>True when the content has the DICOM Part 10 prefix ("DICM" at offset 128).</summary>
    public static bool HasMagic(ReadOnlySpan<byte> content) =>
        content.Length >= MagicOffset + Magic.Length && content.Slice(MagicOffset, Magic.Length).SequenceEqual(Magic);

    /// <summary>True when the name ends in <c>.dcm</c> (any case).</summary>
    public static bool HasExtension(string name) => name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when bytes named <paramref name="name"/> are to be read as DICOM: the prefix, or the <c>.dcm</c> name.</summary>
    public static bool Is(ReadOnlySpan<byte> content, string name) => HasMagic(content) || HasExtension(name);
}
