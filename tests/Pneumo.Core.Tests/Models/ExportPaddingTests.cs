using Pneumo.Models.ResNet;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>Symmetric padding cut to size computes what the CNTK export's top/left padding does, on even and odd sizes.</summary>
public class ExportPaddingTests
{
    [Theory]
    [InlineData(3, 2, 1, 0, 8)]
    [InlineData(3, 2, 1, 0, 9)]
    [InlineData(7, 2, 3, 2, 16)]
    [InlineData(7, 2, 3, 2, 17)]
    public void ConvolutionsEqualTheExplicitlyPaddedOnes(int kernel, int stride, int before, int after, int size)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var x = randn(2, 3, size, size);
        var w = randn(4, 3, kernel, kernel);
        var expected = nn.functional.conv2d(nn.functional.pad(x, [before, after, before, after]), w, strides: [stride, stride]);
        var actual = ExportPadding.Crop(nn.functional.conv2d(x, w, strides: [stride, stride], padding: [before, before]), x, kernel, stride, before, after);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-5));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void MaxPoolingOfNonNegativeMapsEqualsTheZeroPaddedOne(int size)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var x = rand(2, 3, size, size);
        var expected = nn.functional.max_pool2d(nn.functional.pad(x, [1, 0, 1, 0]), 3, 2);
        var actual = ExportPadding.Crop(nn.functional.max_pool2d(x, 3, 2, padding: 1), x, 3, 2, 1, 0);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.equal(expected).all().item<bool>());
    }
}
