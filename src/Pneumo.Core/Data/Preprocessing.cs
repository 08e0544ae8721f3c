using System.Runtime.Intrinsics;
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

    /// <summary>Whether <see cref="ApplyChannelsLast"/> can prepare images on the CPU: any preprocessing without a per-pixel mean image.</summary>
    [JsonIgnore]
    public bool CanPrepareChannelsLast => MeanImage is null && CenterCrop >= 1 && ChannelOrder is "RGB" or "BGR";

    /// <summary>
    /// The model input of one uint8 RGB image [3, S, S], written as float32 [S, S, 3] (channels last): the values of
    /// <see cref="Apply"/> (to float rounding), in one pass through a 256-entry table per channel, because every step
    /// is affine per channel (the per-image standardisation too, from the per-channel sums of the bytes).
    /// </summary>
    public void ApplyChannelsLast(ReadOnlySpan<byte> chw, int size, Span<float> hwc)
    {
        if (!CanPrepareChannelsLast) throw new InvalidOperationException("a per-pixel mean image needs Apply");
        int plane = size * size;
        Span<double> a = stackalloc double[3], b = stackalloc double[3];
        Span<int> source = stackalloc int[3];
        for (int c = 0; c < 3; c++)
        {
            source[c] = ChannelOrder == "BGR" ? 2 - c : c;
            a[c] = Scale / Std[c];
            b[c] = -Mean[c] / Std[c];
        }
        // A grey X-ray decoded as RGB has three equal planes: their sums are taken once, and one lookup serves three outputs.
        bool grey = chw.Slice(0, plane).SequenceEqual(chw.Slice(plane, plane)) && chw.Slice(0, plane).SequenceEqual(chw.Slice(2 * plane, plane));
        if (PerImageStandardize)
        {
            double sum = 0, sumSquares = 0;
            (long s1, long s2) = grey ? Sums(chw.Slice(0, plane)) : (0, 0);
            for (int c = 0; c < 3; c++)
            {
                if (!grey) (s1, s2) = Sums(chw.Slice(source[c] * plane, plane));
                sum += a[c] * s1 + b[c] * plane;
                sumSquares += a[c] * a[c] * s2 + 2 * a[c] * b[c] * s1 + b[c] * b[c] * plane;
            }
            double n = 3.0 * plane, mean = sum / n;
            double std = Math.Max(Math.Sqrt(Math.Max(sumSquares / n - mean * mean, 0)), 1.0 / Math.Sqrt(n));
            for (int c = 0; c < 3; c++)
            {
                a[c] /= std;
                b[c] = (b[c] - mean) / std;
            }
        }
        Span<float> table = stackalloc float[3 * 256];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) table[c * 256 + v] = (float)(a[c] * v + b[c]);
        if (grey && a[0] == a[1] && a[1] == a[2] && b[0] == b[1] && b[1] == b[2])
        {
            SpreadGrey(chw.Slice(0, plane), table.Slice(0, 256), hwc);
            return;
        }
        var r = chw.Slice(source[0] * plane, plane);
        var g = chw.Slice(source[1] * plane, plane);
        var bl = chw.Slice(source[2] * plane, plane);
        for (int p = 0, o = 0; p < plane; p++, o += 3)
        {
            hwc[o] = table[r[p]];
            hwc[o + 1] = table[256 + g[p]];
            hwc[o + 2] = table[512 + bl[p]];
        }
    }

    /// <summary>The sum and the sum of squares of the bytes.</summary>
    private static (long Sum, long SumOfSquares) Sums(ReadOnlySpan<byte> bytes)
    {
        long s1 = 0, s2 = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 32 bytes per step into 8 int lanes; a lane gains at most 4 x 255^2 per step, so 2,048 steps fit in an int.
            while (i <= bytes.Length - Vector256<byte>.Count)
            {
                Vector256<int> sum = Vector256<int>.Zero, squares = Vector256<int>.Zero;
                for (int step = 0; step < 2048 && i <= bytes.Length - Vector256<byte>.Count; step++, i += Vector256<byte>.Count)
                {
                    var (low, high) = Vector256.Widen(Vector256.Create(bytes.Slice(i, Vector256<byte>.Count)));
                    var (a, b) = Vector256.Widen(low.AsInt16());
                    var (c, d) = Vector256.Widen(high.AsInt16());
                    sum += a + b + c + d;
                    squares += a * a + b * b + c * c + d * d;
                }
                s1 += Vector256.Sum(Vector256.WidenLower(sum) + Vector256.WidenUpper(sum));
                s2 += Vector256.Sum(Vector256.WidenLower(squares) + Vector256.WidenUpper(squares));
            }
        }
        for (; i < bytes.Length; i++) { s1 += bytes[i]; s2 += bytes[i] * bytes[i]; }
        return (s1, s2);
    }

    /// <summary>Each grey byte's table value, written three times (channels last): eight pixels per step in vectors.</summary>
    private static void SpreadGrey(ReadOnlySpan<byte> grey, ReadOnlySpan<float> table, Span<float> hwc)
    {
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var first = Vector256.Create(0, 0, 0, 1, 1, 1, 2, 2);
            var second = Vector256.Create(2, 3, 3, 3, 4, 4, 4, 5);
            var third = Vector256.Create(5, 5, 6, 6, 6, 7, 7, 7);
            for (; p <= grey.Length - 8; p += 8)
            {
                var v = Vector256.Create(table[grey[p]], table[grey[p + 1]], table[grey[p + 2]], table[grey[p + 3]],
                                         table[grey[p + 4]], table[grey[p + 5]], table[grey[p + 6]], table[grey[p + 7]]);
                var o = hwc.Slice(3 * p, 24);
                Vector256.Shuffle(v, first).CopyTo(o);
                Vector256.Shuffle(v, second).CopyTo(o.Slice(8));
                Vector256.Shuffle(v, third).CopyTo(o.Slice(16));
            }
        }
        for (; p < grey.Length; p++) hwc[3 * p] = hwc[3 * p + 1] = hwc[3 * p + 2] = table[grey[p]];
    }

    /// <summary>The model input of a batch [B, 3, H, W]: the input its loader prepared (channels last) when there is one, else <see cref="Apply"/> on its pixels.</summary>
    /// <remarks>
    /// The prepared input is not copied: the tensor reads the batch's array (pinned while the tensor lives). TorchSharp's
    /// <c>tensor(float[], shape)</c> would clone it, a 19 MB large-object allocation per SZANet batch that the
    /// collector let pile up to gigabytes of committed memory (measured: 18.4 MB allocated per training step).
    /// Dispose the tensor before the batch's buffers are recycled (<see cref="BatchLoader.Epoch"/>).
    /// </remarks>
    public Tensor Input(Batch batch) => batch.Input is { } prepared
        ? Shared(prepared, batch.Count * 3L * batch.Size * batch.Size).view(batch.Count, batch.Size, batch.Size, 3).permute(0, 3, 1, 2)
        : Apply(Shared(batch.Pixels, batch.Count * 3L * batch.Size * batch.Size).view(batch.Count, 3, batch.Size, batch.Size));

    /// <summary>The first <paramref name="length"/> elements of <paramref name="array"/> as a 1-D tensor on the same memory.</summary>
    private static Tensor Shared(Array array, long length)
    {
        var all = from_array(array);
        return array.LongLength == length ? all : all.narrow(0, 0, length);
    }

    /// <summary>Converts a uint8 batch [B,3,H,W] (RGB) to the model input.</summary>
    public Tensor Apply(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels.to_type(ScalarType.Float32);
        if (CenterCrop < 1)
        {
            var (offset, length) = CropWindow((int)x.shape[2]);
            x = x.narrow(2, offset, length).narrow(3, offset, length);
            x = nn.functional.interpolate(x, [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
        }
        if (ChannelOrder == "BGR") x = x.flip(1);
        else if (ChannelOrder != "RGB") throw new InvalidOperationException($"unknown channel order '{ChannelOrder}'");
        using var scale = Scale.ToScalar();
        x = x.mul(scale);
        if (MeanImage is not null) x = x.sub(Pneumo.Models.Pretrained.MeanImages.Get(MeanImage, InputSize).view(1, 3, InputSize, InputSize));
        if (Mean.Any(m => m != 0)) x = x.sub(tensor(Mean.Select(v => (float)v).ToArray()).view(1, 3, 1, 1));
        if (Std.Any(s => s != 1)) x = x.div(tensor(Std.Select(v => (float)v).ToArray()).view(1, 3, 1, 1));
        if (PerImageStandardize)
        {
            long count = x.shape[1] * x.shape[2] * x.shape[3];
            var flat = x.view(x.shape[0], -1);
            var mean = flat.mean([1], keepdim: true);
            using var smallest = (1.0 / Math.Sqrt(count)).ToScalar();
            var std = flat.std(1, unbiased: false, keepdim: true).clamp_min(smallest);
            x = flat.sub(mean).div(std).view(x.shape);
        }
        return x.MoveToOuterDisposeScope();
    }
}
