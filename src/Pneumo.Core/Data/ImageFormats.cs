namespace Pneumo.Data;

/// <summary>Recognises the image formats Pneumo accepts from their first bytes, whatever a file is called: JPEG, PNG and DICOM.</summary>
/// <remarks>
/// Only JPEG and PNG are accepted from untrusted sources (the web service): the decoder underneath also understands
/// formats with weak or no signatures (WBMP, ICO), so bytes are checked against these signatures before decoding.
/// </remarks>
public static class ImageFormats
{
    public const string Jpeg = "jpeg";
    public const string Png = "png";
    public const string Dicom = Pneumo.Data.Dicom.DicomFormat.Name;

    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>"jpeg" or "png" when the content starts with that format's signature, "dicom" with "DICM" at offset 128, else null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith(JpegSignature) ? Jpeg
        : content.StartsWith(PngSignature) ? Png
        : Pneumo.Data.Dicom.DicomFormat.HasMagic(content) ? Dicom
        : null;

    /// <summary>The MIME type of a sniffed format.</summary>
    public static string ContentType(string format) => format == Png ? "image/png" : format == Dicom ? "application/dicom" : "image/jpeg";
}
