namespace Pneumo.Data.Transforms;

/// <summary>Resamples an image through an <see cref="AffineMatrix"/> about its centre, bilinearly, with nearest-edge fill.</summary>
/// <remarks>
/// Nearest-edge fill (Keras' <c>fill_mode='nearest'</c>): a sample position outside the image takes the value of the
/// closest edge pixel. Pixel centres are at integer coordinates; the centre of rotation is ((W-1)/2, (H-1)/2), so the
/// identity and a horizontal flip are exact.
/// </remarks>
public static class AffineWarp
{
    public static RgbImage Apply(RgbImage source, AffineMatrix matrix)
    {
        var target = new RgbImage(source.Width, source.Height);
        Apply(source, matrix, target);
        return target;
    }

    public static void Apply(RgbImage source, AffineMatrix m, RgbImage target)
    {
        if (target.Width != source.Width || target.Height != source.Height)
            throw new ArgumentException("source and target sizes differ");
        if (m.IsIdentity)
        {
            source.Pixels.CopyTo(target.Pixels, 0);
            return;
        }
        int w = source.Width, h = source.Height, plane = source.PlaneSize;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        var src = source.Pixels;
        var dst = target.Pixels;
        for (int y = 0; y < h; y++)
        {
            double oy = y - cy;
            for (int x = 0; x < w; x++)
            {
                double ox = x - cx;
                double sx = Math.Clamp(m.A * ox + m.B * oy + cx, 0, w - 1);
                double sy = Math.Clamp(m.C * ox + m.D * oy + cy, 0, h - 1);
                int x0 = (int)sx, y0 = (int)sy;
                int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
                double fx = sx - x0, fy = sy - y0;
                double w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                int i00 = y0 * w + x0, i01 = y0 * w + x1, i10 = y1 * w + x0, i11 = y1 * w + x1;
                int o = y * w + x;
                for (int c = 0, off = 0; c < 3; c++, off += plane)
                {
                    double v = w00 * src[off + i00] + w01 * src[off + i01] + w10 * src[off + i10] + w11 * src[off + i11];
                    dst[off + o] = (byte)(v + 0.5);
                }
            }
        }
    }
}
