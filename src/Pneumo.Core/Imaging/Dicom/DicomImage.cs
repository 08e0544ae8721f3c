namespace Pneumo.Imaging.Dicom;

/// <summary>A decoded DICOM image as display pixels: 8-bit grey or interleaved RGB, top row first, and what was read.</summary>
/// <remarks><see cref="Pixels"/> holds <see cref="Channels"/> x Width x Height bytes (1 channel: grey; 3: R, G, B per pixel).</remarks>
public sealed class DicomImage
{
    public DicomImage(int width, int height, int channels, byte[] pixels, DicomInfo info)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 or 3 channels");
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"expected {(long)width * height * channels} bytes, got {pixels.Length}", nameof(pixels));
        (Width, Height, Channels, Pixels, Info) = (width, height, channels, pixels, info);
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }
    public DicomInfo Info { get; }
}
