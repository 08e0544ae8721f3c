namespace Pneumo.Data.Transforms;

/// <summary>A composition of random affine transforms applied as one resampling; the training-time augmentation.</summary>
public sealed class Augmentation(IReadOnlyList<IRandomAffine> steps)
{
    public IReadOnlyList<IRandomAffine> Steps { get; } = steps;

    /// <summary>No augmentation (evaluation).</summary>
    public static Augmentation None { get; } = new([]);

    /// <summary>
    /// The paper's augmentation, modelled on Keras' <c>ImageDataGenerator(shear_range, zoom_range, horizontal_flip)</c>:
    /// shear then zoom (Keras' matrix order), then an optional horizontal flip.
    /// </summary>
    public static Augmentation Paper(AugmentationOptions options)
    {
        var steps = new List<IRandomAffine>();
        if (options.Shear > 0) steps.Add(new RandomShear(options.Shear, options.ShearUnit));
        if (options.Zoom > 0) steps.Add(new RandomZoom(options.Zoom));
        if (options.HorizontalFlip) steps.Add(new RandomHorizontalFlip());
        return new Augmentation(steps);
    }

    /// <summary>The combined output-to-input matrix for one sample.</summary>
    public AffineMatrix Sample(Random random)
    {
        var m = AffineMatrix.Identity;
        foreach (var step in Steps) m = m.Then(step.Sample(random));
        return m;
    }

    public RgbImage Apply(RgbImage image, Random random) => AffineWarp.Apply(image, Sample(random));
}

/// <summary>Augmentation settings; the defaults are the paper's.</summary>
public sealed record AugmentationOptions(double Shear = 0.2, AngleUnit ShearUnit = AngleUnit.Radians, double Zoom = 0.2, bool HorizontalFlip = true)
{
    public static AugmentationOptions Off { get; } = new(0, AngleUnit.Radians, 0, false);
}
