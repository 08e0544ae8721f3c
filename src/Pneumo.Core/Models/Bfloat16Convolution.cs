using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>
/// A convolution layer computed in bfloat16 (inputs and weights rounded to bfloat16; gradients, weights and everything
/// around it in float32), as autocast does: the mixed-precision training of <see cref="ClassifierModel.MixedPrecision"/>.
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
}
