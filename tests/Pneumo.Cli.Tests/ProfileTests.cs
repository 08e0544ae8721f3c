using Pneumo.Bench.Profile;
using Pneumo.Persistence;
using Pneumo.Models.ResNet;
using Pneumo.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests;

/// <summary><c>pneumo bench --profile</c>: the layer timer changes nothing it times, and the report has a row per module and phase.</summary>
public sealed class ProfileTests
{
    private static ResNetTransfer TinyResNet()
    {
        torch.manual_seed(3);
        return new ResNetTransfer(ResNetTransfer.FullName, ResNetTransfer.AllBlocks, pretrained: false);
    }

    [Fact]
    public void TimedStepsComputeTheSameLossesAndWeightsAndEveryModuleHasARow()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var input = MemoryFormatInput(randn(2, 3, 32, 32));
        var target = tensor(new float[] { 0, 1 });
        using var plain = TinyResNet();
        using var timed = TinyResNet();
        using var plainTrainer = new Trainer(plain, Preprocessing.UnitScale(), 1e-3, [1, 2], weightDecay: 0.01);
        using var timedTrainer = new Trainer(timed, Preprocessing.UnitScale(), 1e-3, [1, 2], weightDecay: 0.01);
        using var timer = new LayerTimer(timed);
        var phases = new List<string>();
        timedTrainer.PhaseEnded = phase =>
        {
            phases.Add(phase);
            if (phase == "backward") timer.BackwardEnded();
        };
        for (int i = 0; i < 2; i++)
        {
            manual_seed(5); // the dropout masks
            var a = plainTrainer.Step(input, target);
            manual_seed(5);
            var b = timedTrainer.Step(input, target);
            Assert.Equal(a.Loss, b.Loss, 6);
        }
        foreach (var (name, p) in plain.named_parameters())
            Assert.True(p.allclose(timed.named_parameters().First(q => q.name == name).parameter, rtol: 0, atol: 1e-6), name);
        Assert.Equal([.. Trainer.StepPhases, .. Trainer.StepPhases], phases);

        var totals = timer.Totals();
        var convs = timed.named_modules().Where(m => m.module is TorchSharp.Modules.Conv2d).Select(m => m.name).ToList();
        Assert.Equal(22, convs.Count);
        Assert.All(convs, c => Assert.Contains(c, totals.Select(t => t.Name)));
        Assert.All(totals, t => Assert.True(t.ForwardMs >= 0 && t.BackwardMs >= 0, t.Name));
        // Every trained module's backward was reached (the stem's from the end of the backward pass).
        Assert.All(totals.Where(t => t.Name.EndsWith("conv1", StringComparison.Ordinal)), t => Assert.True(t.BackwardMs > 0, t.Name));

        var own = StepProfile.OwnTimes(totals, timed, steps: 2);
        Assert.Equal(totals.Count, own.Count);
        Assert.Contains(own, l => l.Name == "backbone.layer4.2" && l.Kind == nameof(BasicBlock));
        Assert.Contains(own, l => l.Name == "backbone.conv1" && l.Kind == "Conv2d");
        // Own times add up to the outermost called module's time (children subtracted once, never below zero).
        double outer = totals.Where(t => !t.Name.Contains('.')).Sum(t => t.ForwardMs + t.BackwardMs) / 2;
        Assert.InRange(own.Sum(l => l.TotalMs), 0.9 * outer - 0.5, 1.1 * outer + 0.5);
    }

    private static Tensor MemoryFormatInput(Tensor x) => Pneumo.Models.MemoryFormat.ChannelsLast(x);
}
