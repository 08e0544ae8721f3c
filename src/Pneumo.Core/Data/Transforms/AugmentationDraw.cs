using Pneumo.Imaging;
namespace Pneumo.Data.Transforms;

/// <summary>
/// One image's drawn augmentation: the geometric warp, then an optional intensity table, then an optional JPEG
/// re-compression, then an optional erased rectangle.
/// </summary>
public readonly record struct AugmentationDraw(AffineMatrix Warp, byte[]? Table = null, ErasedRegion? Erased = null, int? JpegQuality = null)
{
    /// <summary>Writes the augmented image (planar, the source's size; square) to <paramref name="dst"/>.</summary>
    public void Apply(RgbImage source, Span<byte> dst)
    {
        AffineWarp.Apply(source, Warp, dst);
        if (Table is { } table)
            for (int i = 0; i < dst.Length; i++) dst[i] = table[dst[i]];
        if (JpegQuality is int quality) JpegRecompression.Apply(dst, source.Width, source.Height, quality);
        Erased?.Apply(dst, source.Width);
    }
}
