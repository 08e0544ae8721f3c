using Pneumo.Imaging;
using Pneumo.Persistence;
namespace Pneumo.Data.Transforms;

/// <summary>
/// The training-time augmentation: random affine transforms applied as one resampling, then optionally an intensity
/// jitter, a JPEG re-compression and a random erasing.
/// </summary>
public sealed class Augmentation(IReadOnlyList<IRandomAffine> steps, PixelJitter? jitter = null, RandomErasing? erasing = null, RandomJpeg? jpeg = null)
{
    public IReadOnlyList<IRandomAffine> Steps { get; } = steps;
    public PixelJitter? Jitter { get; } = jitter;
    public RandomErasing? Erasing { get; } = erasing;
    public RandomJpeg? Jpeg { get; } = jpeg;

    /// <summary>Whether it changes anything.</summary>
    public bool IsActive => Steps.Count > 0 || Jitter is not null || Erasing is not null || Jpeg is not null;

    /// <summary>No augmentation (evaluation).</summary>
    public static Augmentation None { get; } = new([]);

    /// <summary>
    /// The augmentation the options ask for. The paper's part is modelled on Keras'
    /// <c>ImageDataGenerator(shear_range, zoom_range, horizontal_flip)</c>: shear then zoom (Keras' matrix order), then an
    /// optional horizontal flip; a random resized crop, when asked for, is chosen in the input first. Options that are
    /// off draw no random numbers, so the paper's augmentation draws what it always did.
    /// </summary>
    public static Augmentation For(AugmentationOptions options)
    {
        var steps = new List<IRandomAffine>();
        if (options.CropMinArea < 1) steps.Add(new RandomResizedCrop(options.CropMinArea));
        if (options.Shear > 0) steps.Add(new RandomShear(options.Shear, options.ShearUnit));
        if (options.Zoom > 0) steps.Add(new RandomZoom(options.Zoom));
        if (options.HorizontalFlip) steps.Add(new RandomHorizontalFlip());
        var jitter = options.Brightness > 0 || options.Contrast > 0 || options.Gamma > 0
            ? new PixelJitter(options.Brightness, options.Contrast, options.Gamma) : null;
        var erasing = options.EraseProbability > 0 ? new RandomErasing(options.EraseProbability) : null;
        var jpeg = options.JpegProbability > 0 ? new RandomJpeg(options.JpegProbability, options.JpegMinQuality) : null;
        return new Augmentation(steps, jitter, erasing, jpeg);
    }

    /// <summary>The combined output-to-input matrix for one sample.</summary>
    public AffineMatrix Sample(Random random)
    {
        var m = AffineMatrix.Identity;
        foreach (var step in Steps) m = m.Then(step.Sample(random));
        return m;
    }

    /// <summary>Everything one sample draws: the warp, the intensity table, the erased rectangle, then the JPEG quality (drawn last, so recipes without it draw what they always did).</summary>
    public AugmentationDraw Draw(Random random)
    {
        var warp = Sample(random);
        var table = Jitter?.Sample(random);
        var erased = Erasing?.Sample(random);
        return new AugmentationDraw(warp, table, erased, Jpeg?.Sample(random));
    }

    public RgbImage Apply(RgbImage image, Random random)
    {
        var target = new RgbImage(image.Width, image.Height);
        Draw(random).Apply(image, target.Pixels);
        return target;
    }
}
