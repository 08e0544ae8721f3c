using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Data;

/// <summary>How 8-bit RGB pixels become a model's input tensor. Travels with the weights into <c>model.json</c>.</summary>
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
    public string ChannelOrder { get; init; } = "RGB";

    public double Scale { get; init; } = 1.0 / 255;
    public double[] Mean { get; init; } = [0, 0, 0];
    public double[] Std { get; init; } = [1, 1, 1];
    public bool PerImageStandardize { get; init; }

    /// <summary>
    /// A per-pixel mean image [3, H, W] (in <see cref="ChannelOrder"/>) to subtract after scaling, by name (see
    /// <see cref="Pneumo.Models.Pretrained.MeanImages"/>); null = none. Pretrained backbones expect theirs.
    /// </summary>
    public string? MeanImage { get; init; }

    /// <summary>The paper's: RGB scaled to [0, 1].</summary>
    public static Preprocessing UnitScale(bool perImageStandardize = false) => new() { PerImageStandardize = perImageStandardize };

    /// <summary>Converts a uint8 batch [B,3,H,W] (RGB) to the model input.</summary>
    public Tensor Apply(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels.to_type(ScalarType.Float32);
        if (ChannelOrder == "BGR") x = x.flip(1);
        else if (ChannelOrder != "RGB") throw new InvalidOperationException($"unknown channel order '{ChannelOrder}'");
        x = x.mul(Scale);
        if (MeanImage is not null) x = x.sub(Pneumo.Models.Pretrained.MeanImages.Get(MeanImage, InputSize).view(1, 3, InputSize, InputSize));
        if (Mean.Any(m => m != 0)) x = x.sub(tensor(Mean.Select(v => (float)v).ToArray()).view(1, 3, 1, 1));
        if (Std.Any(s => s != 1)) x = x.div(tensor(Std.Select(v => (float)v).ToArray()).view(1, 3, 1, 1));
        if (PerImageStandardize)
        {
            long count = x.shape[1] * x.shape[2] * x.shape[3];
            var flat = x.view(x.shape[0], -1);
            var mean = flat.mean([1], keepdim: true);
            var std = flat.std(1, unbiased: false, keepdim: true).clamp_min(1.0 / Math.Sqrt(count));
            x = flat.sub(mean).div(std).view(x.shape);
        }
        return x.MoveToOuterDisposeScope();
    }
}
