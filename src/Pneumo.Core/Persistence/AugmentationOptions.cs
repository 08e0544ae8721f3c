namespace Pneumo.Persistence;

/// <summary>Augmentation settings; the defaults are the paper's (shear, zoom, flip) with the other transforms off.</summary>
public sealed record AugmentationOptions(double Shear = 0.2, AngleUnit ShearUnit = AngleUnit.Radians, double Zoom = 0.2, bool HorizontalFlip = true)
{
    public static AugmentationOptions Off { get; } = new(0, AngleUnit.Radians, 0, false);

    /// <summary>Smallest area of a random resized crop, as a fraction of the image; 1 = no crop.</summary>
    public double CropMinArea { get; init; } = 1;

    /// <summary>Brightness jitter: a factor in [1 - B, 1 + B]; 0 = off.</summary>
    public double Brightness { get; init; }

    /// <summary>Contrast jitter about mid-grey: a factor in [1 - C, 1 + C]; 0 = off.</summary>
    public double Contrast { get; init; }

    /// <summary>Gamma jitter: an exponent in [1/(1 + G), 1 + G]; 0 = off.</summary>
    public double Gamma { get; init; }

    /// <summary>Probability of erasing a random rectangle (2-20% of the image); 0 = off.</summary>
    public double EraseProbability { get; init; }

    /// <summary>Probability of re-compressing an image as JPEG at a quality drawn from [<see cref="JpegMinQuality"/>, 95]; 0 = off.</summary>
    public double JpegProbability { get; init; }

    /// <summary>The lowest JPEG quality of the re-compression (1-95).</summary>
    public int JpegMinQuality { get; init; } = 20;
}
