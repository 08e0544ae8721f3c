namespace Pneumo.Data.Transforms;

/// <summary>
/// A random crop of the image, stretched back to its size: the crop's area is a fraction of the image's drawn uniformly
/// from [<see cref="MinArea"/>, <see cref="MaxArea"/>], its aspect ratio log-uniformly from
/// [<see cref="MinRatio"/>, <see cref="MaxRatio"/>], its position uniformly where it fits (torchvision's
/// <c>RandomResizedCrop</c>, as an affine map so it joins the one resampling of the other transforms).
/// </summary>
/// <remarks>
/// As torchvision does, a draw whose crop would not fit is tried again, up to 10 times, then the whole image is used.
/// Crops move a side marker or the image border away from where the model saw it before, or out of the picture, so
/// position and framing stop being reliable evidence.
/// </remarks>
public sealed class RandomResizedCrop(double minArea, double maxArea = 1, double minRatio = 3.0 / 4, double maxRatio = 4.0 / 3) : IRandomAffine
{
    public double MinArea { get; } = minArea is > 0 and <= 1 ? minArea : throw new ArgumentOutOfRangeException(nameof(minArea));
    public double MaxArea { get; } = maxArea >= minArea && maxArea <= 1 ? maxArea : throw new ArgumentOutOfRangeException(nameof(maxArea));
    public double MinRatio { get; } = minRatio;
    public double MaxRatio { get; } = maxRatio;

    public AffineMatrix Sample(Random random)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = MinArea + (MaxArea - MinArea) * random.NextDouble();
            double ratio = Math.Exp(Math.Log(MinRatio) + (Math.Log(MaxRatio) - Math.Log(MinRatio)) * random.NextDouble());
            double w = Math.Sqrt(area * ratio), h = Math.Sqrt(area / ratio);
            if (w > 1 || h > 1) continue;
            double tx = (random.NextDouble() - 0.5) * (1 - w), ty = (random.NextDouble() - 0.5) * (1 - h);
            return new AffineMatrix(w, 0, 0, h, tx, ty);
        }
        return AffineMatrix.Identity;
    }
}
