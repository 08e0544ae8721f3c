namespace Pneumo.Imaging;

/// <summary>
/// One image format Pneumo reads: how its bytes are recognised, what it is called, and how it is opened. Every reader
/// of images (the dataset loader, <c>predict</c>, the web service and its page) asks <see cref="ImageFormats"/>, the
/// registry of these, so adding a format is one implementation added there.
/// </summary>
public interface IImageFormat
{
    /// <summary>The format's name in results and messages: "jpeg", "png", "dicom".</summary>
    string Name { get; }

    /// <summary>The MIME type, for the page's file picker and HTTP.</summary>
    string ContentType { get; }

    /// <summary>The file extensions of the format (with the dot, lower case), the usual one first.</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>How many leading bytes <see cref="HasSignature"/> needs at most.</summary>
    int SignatureLength { get; }

    /// <summary>True when the content starts as this format does, whatever the file is called.</summary>
    bool HasSignature(ReadOnlySpan<byte> content);

    /// <summary>
    /// True when bytes named <paramref name="name"/> are read as this format even without its signature (a DICOM file
    /// without the Part 10 preamble, by its <c>.dcm</c> name); false for formats recognised by content only.
    /// </summary>
    bool ClaimsName(string name) => false;

    /// <summary>Format and dimensions from the header alone (cheap, safe on hostile files).</summary>
    /// <exception cref="DataException">A corrupt header, or a file this format refuses; the message names it.</exception>
    ImageHeader ReadHeader(byte[] encoded, string name);

    /// <summary>Opens encoded bytes once, to be resized to as many sizes as needed, under <paramref name="limits"/>.</summary>
    /// <exception cref="DataException">Corrupt, too large or refused (why, in the message and its code); the message names the image.</exception>
    OpenedImage Open(byte[] encoded, string name, ImageDecoder limits);
}
