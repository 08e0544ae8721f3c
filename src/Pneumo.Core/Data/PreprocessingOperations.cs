using System.Runtime.Intrinsics;
using Pneumo.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Data;

/// <summary>What a <see cref="Preprocessing"/> does to pixels: the model input of images and batches.</summary>
public static class PreprocessingOperations
{
    extension(Preprocessing preprocessing)
    {
        /// <summary>
        /// The model input of one uint8 RGB image [3, S, S], written as float32 [S, S, 3] (channels last): the values of
        /// <see cref="Apply"/> (to float rounding), in one pass through a 256-entry table per channel, because every step
        /// is affine per channel (the per-image standardisation too, from the per-channel sums of the bytes).
        /// </summary>
        public void ApplyChannelsLast(ReadOnlySpan<byte> chw, int size, Span<float> hwc)
        {
            if (!preprocessing.CanPrepareChannelsLast) throw new InvalidOperationException("a per-pixel mean image needs Apply");
            int plane = size * size;
            // Output channel c = a[c] * (input channel source[c]) + b[c]: the steps folded in, in order.
            Span<double> a = [1, 1, 1], b = [0, 0, 0];
            Span<int> source = [0, 1, 2];
            bool standardize = false;
            foreach (var step in PreprocessingStep.Of(preprocessing))
                for (int c = 0; c < 3; c++)
                    switch (step)
                    {
                        case PreprocessingStep.ReverseChannels: source[c] = 2 - c; break;
                        case PreprocessingStep.Scale s: a[c] *= s.Factor; b[c] *= s.Factor; break;
                        case PreprocessingStep.SubtractMean m: b[c] -= m.Mean[c]; break;
                        case PreprocessingStep.DivideByStd d: a[c] /= d.Std[c]; b[c] /= d.Std[c]; break;
                        case PreprocessingStep.StandardizePerImage: standardize = true; break;
                        default: throw new InvalidOperationException($"{step} is not affine per channel: it needs Apply");
                    }
            // A grey X-ray decoded as RGB has three equal planes: their sums are taken once, and one lookup serves three outputs.
            bool grey = chw.Slice(0, plane).SequenceEqual(chw.Slice(plane, plane)) && chw.Slice(0, plane).SequenceEqual(chw.Slice(2 * plane, plane));
            if (standardize)
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

        /// <summary>The model input of a batch [B, 3, H, W]: the input its loader prepared (channels last) when there is one, else <see cref="Apply"/> on its pixels.</summary>
        /// <remarks>
        /// The prepared input is not copied: the tensor reads the batch's array (pinned while the tensor lives). TorchSharp's
        /// <c>tensor(float[], shape)</c> would clone it, a 19 MB large-object allocation per SZANet batch that the
        /// collector let pile up to gigabytes of committed memory (measured: 18.4 MB allocated per training step).
        /// Dispose the tensor before the batch's buffers are recycled (<see cref="BatchLoader.Epoch"/>).
        /// </remarks>
        public Tensor Input(Batch batch) => batch.Input is { } prepared
            ? Shared(prepared, batch.Count * 3L * batch.Size * batch.Size).view(batch.Count, batch.Size, batch.Size, 3).permute(0, 3, 1, 2)
            : preprocessing.Apply(Shared(batch.Pixels, batch.Count * 3L * batch.Size * batch.Size).view(batch.Count, 3, batch.Size, batch.Size));

        /// <summary>Converts a uint8 batch [B,3,H,W] (RGB) to the model input.</summary>
        public Tensor Apply(Tensor pixels)
        {
            using var scope = NewDisposeScope();
            var x = pixels.to_type(ScalarType.Float32);
            foreach (var step in PreprocessingStep.Of(preprocessing))
                x = step switch
                {
                    PreprocessingStep.CentreCrop c => CentreCrop(x, c.Settings),
                    PreprocessingStep.ReverseChannels => x.flip(1),
                    PreprocessingStep.Scale s => Multiply(x, s.Factor),
                    PreprocessingStep.SubtractMeanImage m => x.sub(MeanImages.Get(m.Name, m.Size).view(1, 3, m.Size, m.Size)),
                    PreprocessingStep.SubtractMean m => x.sub(tensor(m.Mean.Select(v => (float)v).ToArray()).view(1, 3, 1, 1)),
                    PreprocessingStep.DivideByStd d => x.div(tensor(d.Std.Select(v => (float)v).ToArray()).view(1, 3, 1, 1)),
                    PreprocessingStep.StandardizePerImage => StandardizePerImage(x),
                    _ => throw new NotSupportedException($"preprocessing step {step} has no TorchSharp form"),
                };
            return x.MoveToOuterDisposeScope();
        }
    }

    /// <summary>The central window of <paramref name="p"/>'s crop, resized bilinearly to its input size.</summary>
    private static Tensor CentreCrop(Tensor x, Preprocessing p)
    {
        var (offset, length) = p.CropWindow((int)x.shape[2]);
        x = x.narrow(2, offset, length).narrow(3, offset, length);
        return nn.functional.interpolate(x, [p.InputSize, p.InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    private static Tensor Multiply(Tensor x, double factor)
    {
        using var scalar = factor.ToScalar();
        return x.mul(scalar);
    }

    /// <summary>Each image shifted to mean 0 and divided by max(std, 1/sqrt(count)), std with divisor count.</summary>
    private static Tensor StandardizePerImage(Tensor x)
    {
        long count = x.shape[1] * x.shape[2] * x.shape[3];
        var flat = x.view(x.shape[0], -1);
        var mean = flat.mean([1], keepdim: true);
        using var smallest = (1.0 / Math.Sqrt(count)).ToScalar();
        var std = flat.std(1, unbiased: false, keepdim: true).clamp_min(smallest);
        return flat.sub(mean).div(std).view(x.shape);
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
        /// <summary>The first <paramref name="length"/> elements of <paramref name="array"/> as a 1-D tensor on the same memory.</summary>
        private static Tensor Shared(Array array, long length)
        {
            var all = from_array(array);
            return array.LongLength == length ? all : all.narrow(0, 0, length);
        }
}
