using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>Memory order of image tensors (TorchSharp has no <c>memory_format</c> argument, so by strides).</summary>
public static class MemoryFormat
{
    /// <summary>
    /// The same [B, C, H, W] tensor stored channels-last (NHWC strides); libtorch's CPU kernels keep that order
    /// through convolution, batch norm, pooling and their gradients. Values and shape are unchanged.
    /// </summary>
    public static Tensor ChannelsLast(Tensor x)
    {
        if (IsChannelsLast(x)) return x;
        using var scope = NewDisposeScope(); // holds the NHWC copy until the view on it exists (README, "Building and testing")
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Whether a 4-d tensor is stored channels-last.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        return x.stride(1) == 1 && x.stride(3) == c && x.stride(2) == c * w && x.stride(0) == c * h * w;
    }
}
