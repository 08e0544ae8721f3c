using Pneumo.Models;
using Pneumo.Models.ResNet;
using Pneumo.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>resnet18-full: the whole ImageNet ResNet18 fine-tuned, with learning rates by depth.</summary>
public class ResNetFullTests
{
    [Fact]
    public void EveryWeightTrains_NothingComesFromThePackageAtLoad()
    {
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
        Assert.Empty(model.PretrainedState);
        Assert.False(model.HasFrozenFront);
    }

    [Fact]
    public void BuiltForLoadingItSkipsThePackageAndLoadsTheSameWeights()
    {
        using var temp = new TempDir();
        var arch = ModelRegistry.Get(ResNetTransfer.FullName);
        using var saved = arch.Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        var path = temp.Combine("weights.pt");
        saved.SaveWeights(path);
        using var forLoading = arch.BuildForLoading(ModelRegistry.PretrainedResNet18Input.InputSize);
        // The package was not read: the stem holds a fresh initialisation, not the ImageNet weights.
        Assert.False(forLoading.state_dict()["backbone.conv1.weight"].allclose(saved.state_dict()["backbone.conv1.weight"]));
        forLoading.LoadWeights(path);
        foreach (var (name, t) in saved.state_dict()) Assert.True(t.equal(forLoading.state_dict()[name]).all().item<bool>(), name);
        // A model that keeps pretrained blocks frozen cannot do without them.
        Assert.Throws<ArgumentException>(() => new ResNetTransfer(ResNetTransfer.FinetuneName, ResNetTransfer.FinetuneBlocks, pretrained: false));
    }

    [Fact]
    public void GroupsRunFromTheHeadToTheStem()
    {
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        var groups = model.ParameterGroups().ToList();
        Assert.Equal(["head", "backbone.layer4", "backbone.layer3", "backbone.layer2", "backbone.layer1", "backbone.stem"], groups.Select(g => g.Name));
        Assert.Equal([0, 1, 2, 3, 4, 5], groups.Select(g => g.Depth));
        Assert.Equal(model.parameters().Count(), groups.Sum(g => g.Parameters.Count));
        // The fine-tuning model keeps one backbone group, its last block.
        using var finetune = ModelRegistry.Get(ResNetTransfer.FinetuneName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        Assert.Equal(["head", "backbone.layer4"], finetune.ParameterGroups().Select(g => g.Name));
    }

    [Fact]
    public void TrainerGivesEachDepthItsRate()
    {
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        using var trainer = new Trainer(model, ModelRegistry.PretrainedResNet18Input, 1e-3, [1, 1], backboneLrScale: 0.2, layerDecay: 0.5);
        var rates = trainer.Optimizer.ParamGroups.Select(g => g.LearningRate).ToList();
        Assert.Equal([1e-3, 2e-4, 1e-4, 5e-5, 2.5e-5, 1.25e-5], rates.Select(r => Math.Round(r, 10)));
        trainer.LearningRate = 1e-4;  // a schedule or a callback moves every group, ratios kept
        Assert.Equal(2e-5, trainer.Optimizer.ParamGroups.ElementAt(1).LearningRate, 12);
        Assert.Equal(1e-4, trainer.LearningRate, 12);
    }

    [Fact]
    public void TrainingModeTrainsEveryBatchNorm_EvaluationModeNone()
    {
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        model.train();
        var norms = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().ToList();
        Assert.Equal(22, norms.Count);
        Assert.All(norms, m => Assert.True(m.training));
        model.eval();
        Assert.All(norms, m => Assert.False(m.training));
    }

    [Fact]
    public void ChannelsLastGivesTheSameLogits()
    {
        using var scope = NewDisposeScope();
        using var model = (ResNetTransfer)ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        model.eval();
        torch.manual_seed(1);
        var x = randn(2, 3, 64, 64) * 50;
        using var noGrad = no_grad();
        model.ChannelsLastInput = true;
        var a = model.call(x);
        model.ChannelsLastInput = false;
        var b = model.call(x);
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-4));
    }
    [Fact]
    public void MixedPrecisionTrainsEveryConvolutionInBfloat16ButEvaluatesInFloat32()
    {
        manual_seed(5);
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        using var input = rand(2, 3, 224, 224);
        MixedPrecisionAssertions.TrainsInBfloat16AndEvaluatesInFloat32(model, input, () => model.call(input), 0.05,
                                                                       "backbone.conv1.weight", "backbone.layer1.0.conv1.weight", "backbone.layer4.1.conv2.weight");
    }

    /// <summary>
    /// In bf16 training the activations stay bfloat16 between layers, as PyTorch's autocast keeps them: every batch norm
    /// (stem, blocks, projections) receives a bfloat16 map; the head still gets float32 features; evaluation is float32 throughout.
    /// </summary>
    [Fact]
    public void Bfloat16TrainingKeepsTheActivationsInBfloat16BetweenLayers()
    {
        manual_seed(5);
        using var model = ModelRegistry.Get(ResNetTransfer.FullName).BuildForLoading(ModelRegistry.PretrainedResNet18Input.InputSize);
        using var input = rand(2, 3, 224, 224);
        var seen = new List<(string Name, ScalarType DType)>();
        var hooks = model.named_modules()
            .Where(m => m.module is BatchNorm2d or Linear)
            .Select(m => ((nn.Module<Tensor, Tensor>)m.module).register_forward_pre_hook((_, x) => { seen.Add((m.name, x.dtype)); return x; }))
            .ToList();
        try
        {
            model.MixedPrecision = true;
            model.train();
            using (var output = model.call(input)) Assert.Equal(ScalarType.Float32, output.dtype);
            var norms = seen.Where(s => s.Name.Contains("bn", StringComparison.Ordinal)).ToList();
            Assert.Equal(model.named_modules().Count(m => m.module is BatchNorm2d), norms.Count);
            Assert.All(norms, s => Assert.Equal(ScalarType.BFloat16, s.DType));
            Assert.All(seen.Where(s => s.Name.StartsWith("fc", StringComparison.Ordinal)), s => Assert.Equal(ScalarType.Float32, s.DType));

            seen.Clear();
            model.eval();
            using (var evaluated = model.call(input)) Assert.Equal(ScalarType.Float32, evaluated.dtype);
            Assert.NotEmpty(seen);
            Assert.All(seen, s => Assert.Equal(ScalarType.Float32, s.DType));
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
    }
}
