using Pneumo.Models;
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

    [Fact]
    public void ComputesThePapersBlocks_ChannelsLastAndPoolBeforeReluChangeNothing()
    {
        // Reference: the paper's order (conv, BN, ReLU, pool) on the usual NCHW layout, from the same weights.
        manual_seed(3);
        using var model = new SzaNet(64);
        using var input = rand(3, 3, 64, 64);
        model.train();
        using (no_grad()) model.ForwardFeatures(input).Dispose(); // moves the batch-norm running statistics off their initial values
        model.eval();
        using var output = model.ForwardFeatures(input);
        Assert.True(MemoryFormat.IsChannelsLast(output));
        var convs = model.named_children().Where(c => c.name.StartsWith("conv")).Select(c => (TorchSharp.Modules.Conv2d)c.module).ToList();
        var norms = model.named_children().Where(c => c.name.StartsWith("bn")).Select(c => (TorchSharp.Modules.BatchNorm2d)c.module).ToList();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = input.contiguous();
        for (int i = 0; i < 3; i++)
        {
            var y = nn.functional.conv2d(x, convs[i].weight!, convs[i].bias);
            y = nn.functional.batch_norm(y, norms[i].running_mean!, norms[i].running_var!, norms[i].weight, norms[i].bias, training: false, eps: 1e-3);
            x = nn.functional.max_pool2d(nn.functional.relu(y), 2).contiguous();
        }
        Assert.True(output.allclose(x, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void MixedPrecisionTrainsInBfloat16ButEvaluatesInFloat32()
    {
        manual_seed(5);
        using var model = new SzaNet(64);
        using var input = rand(4, 3, 64, 64);
        MixedPrecisionAssertions.TrainsInBfloat16AndEvaluatesInFloat32(model, input, () => model.ForwardFeatures(input), 0.02, "conv1.weight");
    }
}
