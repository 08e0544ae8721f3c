using Pneumo.Imaging;
namespace Pneumo.Data;

/// <summary>A batch of 8-bit images ready to become a tensor.</summary>
/// <remarks><see cref="Pixels"/> is [Count, 3, Size, Size] uint8 RGB, planar per image.</remarks>
public sealed record Batch(byte[] Pixels, int Count, int Size, float[] Labels, IReadOnlyList<ImageRecord> Records)
{
    /// <summary>
    /// Which view of each image the pixels are: 0 = the image itself, k &gt; 0 = augmentation draw k of an augmentation
    /// pool; null when the views are not reproducible (augmentation without a pool). Together with the record it
    /// identifies the pixels exactly, which lets a frozen front's output be cached.
    /// </summary>
    public int[]? Views { get; init; }

    /// <summary>The model input [Count, Size, Size, 3] float32 (channels last), when the loader prepared it (see <see cref="PreprocessingOperations"/>'s <c>Input</c>); else null.</summary>
    public float[]? Input { get; init; }

    /// <summary>An unlabelled batch of decoded square images of one size.</summary>
    public static Batch FromImages(IReadOnlyList<RgbImage> images)
    {
        if (images.Count == 0) throw new ArgumentException("no images", nameof(images));
        int size = images[0].Width, plane = 3 * size * size;
        var pixels = new byte[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Width != size || images[i].Height != size) throw new ArgumentException("images differ in size", nameof(images));
            images[i].Pixels.CopyTo(pixels, i * plane);
        }
        return new Batch(pixels, images.Count, size, new float[images.Count], []);
    }
}
