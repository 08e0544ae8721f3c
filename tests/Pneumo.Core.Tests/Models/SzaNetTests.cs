using Pneumo.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

public class SzaNetTests
{
    [Fact]
    public void OutputIsOneLogitPerImage_FeaturesAre64x26x26()
    {
        using var model = new SzaNet();
        model.eval();
        using var input = rand(2, 3, 224, 224);
        using var features = model.ForwardFeatures(input);
        using var output = model.forward(input);
        Assert.Equal(new long[] { 2, 64, 26, 26 }, features.shape);
        Assert.Equal(new long[] { 2 }, output.shape);
        using var p = model.PredictProbabilities(input);
        Assert.All(p.data<float>().ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void ParameterCountMatchesThePaperArchitecture()
    {
        using var model = new SzaNet();
        // conv 448 + 4,640 + 18,496; batch norm (gamma, beta) 32 + 64 + 128; dense 43,264*64+64 = 2,768,960; output 65.
        Assert.Equal(2_792_833, model.TrainableParameterCount());
        // Keras also counts the batch-norm moving mean and variance: 2 x (16 + 32 + 64) = 224.
        long buffers = model.buffers().Where(b => b.dtype == ScalarType.Float32).Sum(b => b.numel());
        Assert.Equal(224, buffers);
    }

    [Fact]
    public void FeatureSideFollowsValidConvAndPooling()
    {
        Assert.Equal(26, SzaNet.FeatureSide(224));
        Assert.Equal(6, SzaNet.FeatureSide(64));
    }
}
