using static TorchSharp.torch;

namespace Pneumo.Models.ResNet;

/// <summary>
/// The packaged CNTK export pads its strided layers more at the top/left than at the bottom/right: the 7x7 stem
/// convolution by 3 and 2, the strided 3x3 convolutions and the max pooling by 1 and 0. The layers here pad
/// symmetrically (3; 1) instead, which reads the same input pixels for every output pixel of the export's: the extra
/// bottom/right padding only adds one output row or column on an odd-sized input, which <see cref="Crop"/> removes.
/// </summary>
/// <remarks>
/// Why not pad explicitly: a padded copy of every strided layer's input (100 MB at the stem for a batch of 32) and its
/// gradient cost time, and oneDNN's weight-gradient kernels are slower on the unpadded odd-sized shapes.
/// </remarks>
public static class ExportPadding
{
    /// <summary>
    /// <paramref name="y"/>, a layer's output on <paramref name="input"/> with symmetric padding, cut to the export's
    /// size for a kernel, stride and the export's top/left (<paramref name="before"/>) and bottom/right padding.
    /// </summary>
    public static Tensor Crop(Tensor y, Tensor input, long kernel, long stride, long before, long after)
    {
        long Size(long n) => (n + before + after - kernel) / stride + 1;
        long h = Size(input.shape[2]), w = Size(input.shape[3]);
        return y.shape[2] == h && y.shape[3] == w ? y : y.narrow(2, 0, h).narrow(3, 0, w);
    }
}
