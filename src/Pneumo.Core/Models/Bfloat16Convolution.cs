using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>
/// A convolution layer computed in bfloat16 (inputs and weights rounded to bfloat16; gradients, weights and everything
/// around it in float32), as autocast does: the mixed-precision training of <see cref="ClassifierModel.MixedPrecision"/>.
/// </summary>
public static class Bfloat16Convolution
{
    /// <summary>
    /// Whether bfloat16 loses time on this convolution of <paramref name="x"/> in training: oneDNN 3.7's bfloat16
    /// weight-gradient kernel (jit_bf16, AVX-512 BF16, 2 threads) takes 3-4x its float32 time on a 3-channel input (a
    /// stem), on strided 3x3 convolutions with fewer than 256 input channels and on 3x3 convolutions of maps of 7x7 or
    /// smaller, more than bfloat16 saves in the forward and input-gradient passes (results/bench/profile, OPTIMIZATIONS.md).
    /// </summary>
    public static bool SlowerThanFloat32(Conv2d conv, Tensor x)
    {
        long inChannels = conv.weight!.shape[1], kernel = conv.kernel_size[0], stride = conv.stride[0];
        return inChannels < 4 || (kernel == 3 && stride == 2 && inChannels < 256) || (kernel == 3 && x.shape[2] <= 7);
    }

    /// <summary><paramref name="conv"/> applied to <paramref name="x"/>: in bfloat16 when <paramref name="enabled"/>, else as the layer is.</summary>
    public static Tensor Apply(Conv2d conv, Tensor x, bool enabled)
    {
        if (!enabled) return conv.call(x);
        using var scope = NewDisposeScope();
        const ScalarType half = ScalarType.BFloat16;
        var y = nn.functional.conv2d(x.to_type(half), conv.weight!.to_type(half), conv.bias?.to_type(half),
                                     strides: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups);
        return y.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
