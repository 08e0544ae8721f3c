namespace Pneumo.Imaging;

/// <summary>An 8-bit RGB image in planar (channel-first) order.</summary>
/// <remarks><see cref="Pixels"/> holds 3 x Height x Width bytes: all red values row by row, then green, then blue.</remarks>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (pixels is not null && pixels.Length != 3 * width * height)
            throw new ArgumentException($"expected {3 * width * height} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[3 * width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    /// <summary>Bytes per channel plane.</summary>
    public int PlaneSize => Width * Height;

    public byte this[int channel, int y, int x]
    {
        get => Pixels[channel * PlaneSize + y * Width + x];
        set => Pixels[channel * PlaneSize + y * Width + x] = value;
    }
}
