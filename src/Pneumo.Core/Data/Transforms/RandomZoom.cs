namespace Pneumo.Data.Transforms;

/// <summary>
/// A zoom with independent factors per axis drawn uniformly from [1 - range, 1 + range], as Keras'
/// <c>zoom_range=range</c>. A factor above 1 samples a wider area of the input (the content shrinks); below 1 it enlarges.
/// </summary>
public sealed class RandomZoom(double range) : IRandomAffine
{
    public double Range { get; } = range;

    public AffineMatrix Sample(Random random)
    {
        double zx = 1 + (2 * random.NextDouble() - 1) * Range;
        double zy = 1 + (2 * random.NextDouble() - 1) * Range;
        return new AffineMatrix(zx, 0, 0, zy);
    }
}
