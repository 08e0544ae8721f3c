namespace Pneumo.Data.Transforms;

/// <summary>
/// With probability <see cref="Probability"/>, fills a random rectangle with one random grey level (Zhong et al., 2020,
/// torchvision's <c>RandomErasing</c>): area a fraction of the image uniform in [<see cref="MinArea"/>,
/// <see cref="MaxArea"/>], aspect ratio log-uniform in [0.3, 3.3], position uniform where it fits.
/// </summary>
/// <remarks>
/// Anywhere in the image, so also over the corners where side markers and text sit: a model cannot count on any one
/// patch being there, and has to find its evidence in more than one place.
/// </remarks>
public sealed class RandomErasing(double probability, double minArea = 0.02, double maxArea = 0.2)
{
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));
    public double MinArea { get; } = minArea;
    public double MaxArea { get; } = maxArea;
    private const double MinRatio = 0.3, MaxRatio = 3.3;

    /// <summary>The rectangle of one image, or null for none.</summary>
    public ErasedRegion? Sample(Random random)
    {
        if (random.NextDouble() >= Probability) return null;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = MinArea + (MaxArea - MinArea) * random.NextDouble();
            double ratio = Math.Exp(Math.Log(MinRatio) + (Math.Log(MaxRatio) - Math.Log(MinRatio)) * random.NextDouble());
            double w = Math.Sqrt(area * ratio), h = Math.Sqrt(area / ratio);
            if (w >= 1 || h >= 1) continue;
            double x = random.NextDouble() * (1 - w), y = random.NextDouble() * (1 - h);
            return new ErasedRegion(x, y, w, h, (byte)random.Next(256));
        }
        return null;
    }
}

/// <summary>A rectangle in fractions of the image's width and height (left, top, width, height) and its fill value.</summary>
public readonly record struct ErasedRegion(double X, double Y, double Width, double Height, byte Fill)
{
    /// <summary>Fills the region in every channel of a planar image of <paramref name="size"/> x <paramref name="size"/>.</summary>
    public void Apply(Span<byte> planar, int size)
    {
        int x0 = (int)Math.Round(X * size), y0 = (int)Math.Round(Y * size);
        int x1 = Math.Min(size, x0 + Math.Max(1, (int)Math.Round(Width * size)));
        int y1 = Math.Min(size, y0 + Math.Max(1, (int)Math.Round(Height * size)));
        int plane = size * size;
        for (int c = 0; c < planar.Length / plane; c++)
            for (int y = y0; y < y1; y++)
                planar.Slice(c * plane + y * size + x0, x1 - x0).Fill(Fill);
    }
}
