using Pneumo.Data;
using Pneumo.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Data;

/// <summary>The evaluation-time centre crop of <see cref="Preprocessing"/>.</summary>
public class PreprocessingCropTests
{
    [Fact]
    public void CropWindowIsCentred()
    {
        Assert.Equal((14, 196), new Preprocessing { CenterCrop = 0.875 }.CropWindow(224));
        Assert.Equal((0, 224), new Preprocessing().CropWindow(224));
        Assert.Equal((2, 4), new Preprocessing { CenterCrop = 0.5 }.CropWindow(8));
    }

    [Fact]
    public void CropShowsOnlyTheCentreStretchedToTheInputSize()
    {
        // 16x16 image: 200 in the central 8x8, 0 in the border. With crop 0.5 the whole input is the centre.
        using var scope = NewDisposeScope();
        var pixels = zeros(new long[] { 1, 3, 16, 16 }, ScalarType.Byte);
        pixels[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4, 12), TensorIndex.Slice(4, 12)] = full(new long[] { 1, 3, 8, 8 }, 200, ScalarType.Byte);
        var p = new Preprocessing { InputSize = 16, CenterCrop = 0.5 };
        var x = p.Apply(pixels);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, x.shape);
        Assert.True(x.sub(200f / 255).abs().max().item<float>() < 1e-5, "every input pixel comes from the centre");
        // Without the crop, the border stays black.
        var whole = new Preprocessing { InputSize = 16 }.Apply(pixels);
        Assert.Equal(0f, whole[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void CroppedPreprocessingIsNotPreparedOnTheCpu()
    {
        Assert.True(new Preprocessing().CanPrepareChannelsLast);
        Assert.False(new Preprocessing { CenterCrop = 0.875 }.CanPrepareChannelsLast);
    }
}
