namespace Pneumo.Data.Transforms;

/// <summary>One random geometric augmentation, expressed as a matrix so several combine into one resampling.</summary>
public interface IRandomAffine
{
    /// <summary>Draws this transform's parameters from <paramref name="random"/> (and only from it).</summary>
    AffineMatrix Sample(Random random);
}
