using Pneumo.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Training;

public class ScalarSafeAdamTests
{
    /// <summary>Two parameter groups at different rates, the rate changed half way (as reduce-on-plateau does).</summary>
    [Fact]
    public void StepsExactlyAsTorchSharpsAdam()
    {
        torch.manual_seed(3);
        using var a1 = randn(4, 3).requires_grad_(false);
        using var b1 = randn(5).requires_grad_(false);
        var ours = (A: new Parameter(a1.clone()), B: new Parameter(b1.clone()));
        var theirs = (A: new Parameter(a1.clone()), B: new Parameter(b1.clone()));
        using var safe = new ScalarSafeAdam([new Adam.ParamGroup([ours.A], 5e-3), new Adam.ParamGroup([ours.B], 5e-4)], 5e-3);
        using var reference = optim.Adam([new Adam.ParamGroup([theirs.A], 5e-3), new Adam.ParamGroup([theirs.B], 5e-4)], lr: 5e-3);

        for (int step = 0; step < 12; step++)
        {
            if (step == 6)
            {
                foreach (var g in safe.ParamGroups) g.LearningRate *= 0.2;
                foreach (var g in reference.ParamGroups) g.LearningRate *= 0.2;
            }
            using var gradA = randn(4, 3);
            using var gradB = randn(5) * 1e-3;
            ours.A.grad = gradA.clone();
            ours.B.grad = gradB.clone();
            theirs.A.grad = gradA.clone();
            theirs.B.grad = gradB.clone();
            safe.step();
            reference.step();
        }

        Assert.True(ours.A.eq(theirs.A).all().item<bool>(), "first group");
        Assert.True(ours.B.eq(theirs.B).all().item<bool>(), "second group");
        Assert.False(ours.A.eq(a1).all().item<bool>(), "the parameters moved");
    }

    [Fact]
    public void RefusesOptionsItDoesNotImplement()
    {
        using var p = new Parameter(zeros(2));
        p.grad = ones(2);
        using var adam = new ScalarSafeAdam([new Adam.ParamGroup([p], lr: 1e-3, weight_decay: 0.1)], 1e-3);
        Assert.Throws<NotSupportedException>(() => adam.step());
    }

    /// <summary>AdamW on a weight matrix steps exactly as TorchSharp's AdamW; a bias (one dimension) is not decayed.</summary>
    [Fact]
    public void DecoupledWeightDecayStepsAsTorchSharpsAdamWOnMatrices_AndSparesBiases()
    {
        torch.manual_seed(5);
        using var w0 = randn(4, 3);
        using var b0 = randn(5);
        var ours = new Parameter(w0.clone());
        var theirs = new Parameter(w0.clone());
        var bias = new Parameter(b0.clone());
        var plainBias = new Parameter(b0.clone());
        using var adamw = new ScalarSafeAdam([new Adam.ParamGroup([ours, bias], 1e-2)], 1e-2, decoupledWeightDecay: 0.1);
        using var reference = optim.AdamW([theirs], lr: 1e-2, weight_decay: 0.1);
        using var plain = new ScalarSafeAdam([new Adam.ParamGroup([plainBias], 1e-2)], 1e-2);
        for (int step = 0; step < 8; step++)
        {
            using var g = randn(4, 3);
            using var gb = randn(5);
            ours.grad = g.clone();
            theirs.grad = g.clone();
            bias.grad = gb.clone();
            plainBias.grad = gb.clone();
            adamw.step();
            reference.step();
            plain.step();
        }
        Assert.True(ours.allclose(theirs, rtol: 1e-6, atol: 1e-7), "weight matrix as AdamW");
        Assert.True(bias.eq(plainBias).all().item<bool>(), "bias as plain Adam");
        // And the decay did something: plain Adam on the matrix ends elsewhere.
        var undecayed = new Parameter(w0.clone());
        using var noDecay = new ScalarSafeAdam([new Adam.ParamGroup([undecayed], 1e-2)], 1e-2);
        torch.manual_seed(5);
        using (randn(4, 3)) using (randn(5)) { }
        for (int step = 0; step < 8; step++)
        {
            using var g = randn(4, 3);
            using var gb = randn(5);
            undecayed.grad = g.clone();
            noDecay.step();
        }
        Assert.False(undecayed.allclose(ours, rtol: 1e-6, atol: 1e-7), "weight decay changes the result");
    }
}
