using Pneumo.Imaging;

namespace Pneumo.Inference.Int8;

/// <summary>The images static int8 quantisation is calibrated on, and where they come from (recorded in the exported file).</summary>
/// <param name="Images">RGB images at the model's input size: validation images, never the test set.</param>
/// <param name="Source">Where they come from, in words (e.g. "256 of the 1,043 images of the validation part of ...").</param>
/// <param name="ImagesSha256">The SHA-256 of the list of their paths, so that the same calibration can be checked.</param>
public sealed record Int8Calibration(IReadOnlyList<RgbImage> Images, string Source, string ImagesSha256)
{
    /// <summary>How activation ranges are measured: the smallest and largest value over the calibration images.</summary>
    public const string Method = "minmax";
}
