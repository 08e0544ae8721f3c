namespace Pneumo.Imaging;

/// <summary>What an encoded image's header says, read without decoding any pixel.</summary>
/// <remarks><see cref="Format"/> is "jpeg" or "png" (see <see cref="ImageFormats"/>), or the decoder's name for another format.</remarks>
public sealed record ImageHeader(string Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;

    /// <summary>(Width, Height).</summary>
    public (int Width, int Height) Size => (Width, Height);
}
