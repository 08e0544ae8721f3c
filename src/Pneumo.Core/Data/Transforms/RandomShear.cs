using Pneumo.Persistence;
namespace Pneumo.Data.Transforms;

/// <summary>A shear by an angle drawn uniformly from [-max, max], as Keras' <c>ImageDataGenerator(shear_range=...)</c>.</summary>
/// <remarks>
/// Keras' matrix [[1, -sin s], [0, cos s]]: horizontal lines stay horizontal, vertical lines lean by the angle s.
/// Keras reads <c>shear_range</c> in degrees; the paper says its 0.2 is radians (about 11.5 degrees), which is our default.
/// </remarks>
public sealed class RandomShear(double maxAngle, AngleUnit unit = AngleUnit.Radians) : IRandomAffine
{
    public double MaxRadians { get; } = unit == AngleUnit.Degrees ? maxAngle * Math.PI / 180 : maxAngle;

    public AffineMatrix Sample(Random random) => ForAngle((2 * random.NextDouble() - 1) * MaxRadians);

    /// <summary>The shear matrix for an angle in radians.</summary>
    public static AffineMatrix ForAngle(double radians) => new(1, -Math.Sin(radians), 0, Math.Cos(radians));
}
