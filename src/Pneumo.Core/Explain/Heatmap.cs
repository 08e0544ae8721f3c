namespace Pneumo.Explain;

/// <summary>A relevance map over an image: one value in [0, 1] per pixel, row by row.</summary>
/// <remarks>
/// 1 marks the most relevant place for the explained class, 0 no positive evidence. The map covers the whole image it
/// explains; an image shown at another size (or aspect ratio) gets the map stretched with <see cref="Resize"/>.
/// </remarks>
public sealed class Heatmap
{
    public Heatmap(int width, int height, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (values.Length != width * height)
            throw new ArgumentException($"expected {width * height} values, got {values.Length}", nameof(values));
        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Values { get; }

    public float this[int x, int y] => Values[y * Width + x];

    /// <summary>The share of the map's total in the rectangle [x0, x1) x [y0, y1); 0 for an all-zero map.</summary>
    public double MassIn(int x0, int y0, int x1, int y1)
    {
        double total = 0, inside = 0;
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            double v = Values[y * Width + x];
            total += v;
            if (x >= x0 && x < x1 && y >= y0 && y < y1) inside += v;
        }
        return total > 0 ? inside / total : 0;
    }

    /// <summary>The map stretched (or shrunk) to another size by bilinear interpolation, pixel centres aligned.</summary>
    public Heatmap Resize(int width, int height)
    {
        if (width == Width && height == Height) return new Heatmap(width, height, (float[])Values.Clone());
        var result = new float[width * height];
        double sx = (double)Width / width, sy = (double)Height / height;
        for (int y = 0; y < height; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, Height - 1);
            double wy = fy - y0;
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, Width - 1);
                double wx = fx - x0;
                double top = this[x0, y0] * (1 - wx) + this[x1, y0] * wx;
                double bottom = this[x0, y1] * (1 - wx) + this[x1, y1] * wx;
                result[y * width + x] = (float)(top * (1 - wy) + bottom * wy);
            }
        }
        return new Heatmap(width, height, result);
    }

    /// <summary>The pixelwise mean of maps of one size, rescaled so its maximum is 1 (unless all zero).</summary>
    public static Heatmap Mean(IReadOnlyList<Heatmap> maps)
    {
        if (maps.Count == 0) throw new ArgumentException("no maps", nameof(maps));
        int w = maps[0].Width, h = maps[0].Height;
        var sum = new float[w * h];
        foreach (var m in maps)
        {
            if (m.Width != w || m.Height != h) throw new ArgumentException("maps differ in size", nameof(maps));
            for (int i = 0; i < sum.Length; i++) sum[i] += m.Values[i];
        }
        return Normalized(w, h, sum);
    }

    /// <summary>Values divided by their maximum (negative values clipped to 0); an all-zero map stays zero.</summary>
    public static Heatmap Normalized(int width, int height, float[] values)
    {
        float max = 0;
        foreach (var v in values) max = Math.Max(max, v);
        var result = new float[values.Length];
        if (max > 0)
            for (int i = 0; i < values.Length; i++) result[i] = Math.Max(0, values[i]) / max;
        return new Heatmap(width, height, result);
    }
}
