using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>
/// A convolution layer computed in bfloat16 (inputs and weights rounded to bfloat16; the weights, their gradients and
/// the optimiser in float32), as autocast does: the mixed-precision training of <see cref="ClassifierModel.MixedPrecision"/>.
/// Either with float32 around it (<see cref="Apply"/>: SZANet) or with bfloat16 activations between layers
/// (<see cref="ApplyKeepingBfloat16"/>: the ResNets, where it measured 1.36x faster, results/bench/bf16-activations).
/// </summary>
public static class Bfloat16Convolution
{
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

    /// <summary>
    /// <paramref name="conv"/> applied to <paramref name="x"/> (float32 or bfloat16): when <paramref name="enabled"/>, in
    /// bfloat16 with the result left in bfloat16, for a network whose activations stay bfloat16 between layers (batch
    /// norm, ReLU, pooling and residual additions then run on bfloat16 tensors, with float32 parameters and statistics),
    /// as PyTorch's CPU autocast does; else as the layer is. The caller casts the network's output back with <see cref="ToFloat32"/>.
    /// </summary>
    public static Tensor ApplyKeepingBfloat16(Conv2d conv, Tensor x, bool enabled)
    {
        if (!enabled) return conv.call(x);
        using var scope = NewDisposeScope();
        const ScalarType half = ScalarType.BFloat16;
        return nn.functional.conv2d(x.dtype == half ? x : x.to_type(half), conv.weight!.to_type(half), conv.bias?.to_type(half),
                                    strides: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups)
                 .MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="x"/> in float32: cast when it is bfloat16 (the end of <see cref="ApplyKeepingBfloat16"/>'s layers), else itself.</summary>
    public static Tensor ToFloat32(Tensor x) => x.dtype == ScalarType.BFloat16 ? x.to_type(ScalarType.Float32) : x;
}
