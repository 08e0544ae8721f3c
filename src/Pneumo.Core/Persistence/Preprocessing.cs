using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

/// <summary>How 8-bit RGB pixels become a model's input tensor (the settings; <c>Data.PreprocessingOperations</c> applies them). Travels with the weights into <c>model.json</c>.</summary>
/// <remarks>
/// Input: a uint8 tensor [B, 3, H, W] in RGB order. Output: float32 [B, 3, H, W] =
/// ((pixels in <see cref="ChannelOrder"/>) * <see cref="Scale"/> - mean image - <see cref="Mean"/>) / <see cref="Std"/>,
/// per channel (the mean image, when <see cref="MeanImage"/> names one, per pixel), then, with <see cref="PerImageStandardize"/>, each image shifted to mean 0 and scaled to standard deviation 1
/// (as TensorFlow's <c>per_image_standardization</c>: the divisor is at least 1/sqrt(pixel count)).
/// </remarks>
public sealed record Preprocessing
{
    public int InputSize { get; init; } = 224;

    /// <summary>RGB or BGR.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    public double Scale { get; init; } = 1.0 / 255;
    public double[] Mean { get; init; } = [0, 0, 0];
    public double[] Std { get; init; } = [1, 1, 1];
    public bool PerImageStandardize { get; init; }

    /// <summary>
    /// A per-pixel mean image [3, H, W] (in <see cref="ChannelOrder"/>) to subtract after scaling, by name (see
    /// <c>Data.MeanImages</c>); null = none. Pretrained backbones expect theirs.
    /// </summary>
    public string? MeanImage { get; init; }

    /// <summary>
    /// The evaluation-time crop: the model sees the central fraction <c>CenterCrop</c> of the image (per side), resized back
    /// to <see cref="InputSize"/> bilinearly; 1 = the whole image. Applied first, to every input (training batches
    /// after their augmentation too), so training, evaluation, predict, serve and the ONNX export see the same framing.
    /// </summary>
    public double CenterCrop { get; init; } = 1;

    /// <summary>The crop's offset and size in pixels for an image of <paramref name="size"/> pixels.</summary>
    public (int Offset, int Length) CropWindow(int size)
    {
        int length = Math.Clamp((int)Math.Round(CenterCrop * size), 1, size);
        return ((size - length) / 2, length);
    }

    /// <summary>The paper's: RGB scaled to [0, 1].</summary>
    public static Preprocessing UnitScale(bool perImageStandardize = false) => new() { PerImageStandardize = perImageStandardize };

    /// <summary>Whether <c>Data.PreprocessingOperations</c>'s <c>ApplyChannelsLast</c> can prepare images on the CPU: any preprocessing without a per-pixel mean image.</summary>
    [JsonIgnore]
    public bool CanPrepareChannelsLast => MeanImage is null && CenterCrop >= 1 ;
}
