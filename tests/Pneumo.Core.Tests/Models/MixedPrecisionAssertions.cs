using Pneumo.Models;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>What <see cref="ClassifierModel.MixedPrecision"/> must do for any architecture that honours it.</summary>
internal static class MixedPrecisionAssertions
{
    /// <summary>
    /// Evaluation is bit-identical with the setting on; a training forward (<paramref name="trainingForward"/>, run
    /// with the same seed both ways) rounds differently but stays within <paramref name="tolerance"/> (relative) of
    /// float32; the named weights receive float32 gradients.
    /// </summary>
    public static void TrainsInBfloat16AndEvaluatesInFloat32(ClassifierModel model, Tensor input, Func<Tensor> trainingForward,
                                                            double tolerance, params string[] gradientsOf)
    {
        model.eval();
        model.MixedPrecision = false;
        using var fp32 = model.call(input);
        model.MixedPrecision = true;
        using var evaluated = model.call(input);
        Assert.Equal(fp32.data<float>().ToArray(), evaluated.data<float>().ToArray());

        model.train();
        Tensor Forward(bool bf16) { model.MixedPrecision = bf16; manual_seed(11); return trainingForward(); }  // the same dropout draws
        using var out32 = Forward(false);
        using var out16 = Forward(true);
        Assert.Equal(ScalarType.Float32, out16.dtype);
        Assert.False(out16.allclose(out32, rtol: 0, atol: 0), "bfloat16 convolutions should round differently");
        double relative = out16.sub(out32).norm().item<float>() / out32.norm().item<float>();
        Assert.True(relative < tolerance, $"bfloat16 convolutions should stay close to float32 (relative difference {relative:G3})");
        using var loss = out16.square().mean();
        loss.backward();
        foreach (var name in gradientsOf)
        {
            var grad = model.named_parameters().Single(p => p.name == name).parameter.grad;
            Assert.NotNull(grad);
            Assert.Equal(ScalarType.Float32, grad!.dtype);
            Assert.True(grad.abs().sum().item<float>() > 0, $"{name}: no gradient");
        }
    }
}
