namespace Pneumo.Data.Transforms;

/// <summary>Mirrors the image left-right with probability <c>p</c>.</summary>
public sealed class RandomHorizontalFlip(double probability = 0.5) : IRandomAffine
{
    public static readonly AffineMatrix Flip = new(-1, 0, 0, 1);

    public double Probability { get; } = probability;

    public AffineMatrix Sample(Random random) => random.NextDouble() < Probability ? Flip : AffineMatrix.Identity;
}
