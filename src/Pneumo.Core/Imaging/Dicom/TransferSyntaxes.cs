namespace Pneumo.Imaging.Dicom;

/// <summary>Readable names of the DICOM transfer syntaxes (PS3.6 annex A), for messages and results.</summary>
public static class TransferSyntaxes
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["1.2.840.10008.1.2"] = "Implicit VR Little Endian",
        ["1.2.840.10008.1.2.1"] = "Explicit VR Little Endian",
        ["1.2.840.10008.1.2.1.99"] = "Deflated Explicit VR Little Endian",
        ["1.2.840.10008.1.2.2"] = "Explicit VR Big Endian",
        ["1.2.840.10008.1.2.4.50"] = "JPEG Baseline",
        ["1.2.840.10008.1.2.4.51"] = "JPEG Extended",
        ["1.2.840.10008.1.2.4.57"] = "JPEG Lossless",
        ["1.2.840.10008.1.2.4.70"] = "JPEG Lossless SV1",
        ["1.2.840.10008.1.2.4.80"] = "JPEG-LS Lossless",
        ["1.2.840.10008.1.2.4.81"] = "JPEG-LS Near-Lossless",
        ["1.2.840.10008.1.2.4.90"] = "JPEG 2000 Lossless",
        ["1.2.840.10008.1.2.4.91"] = "JPEG 2000",
        ["1.2.840.10008.1.2.5"] = "RLE Lossless",
    };

    /// <summary>The name of a transfer syntax UID, or the UID itself when it is not one of the usual ones.</summary>
    /// <summary>Whether Pneumo reads this transfer syntax: one of those named above; any other is refused before decoding.</summary>
    public static bool IsKnown(string uid) => Names.ContainsKey(uid.TrimEnd('\0', ' '));

    public static string Name(string uid) => Names.TryGetValue(uid.TrimEnd('\0', ' '), out var name) ? name : uid;
}
