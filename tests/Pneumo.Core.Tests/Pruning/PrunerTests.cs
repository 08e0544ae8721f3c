using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Training;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Pruning;

public class PrunerTests
{
    private static readonly string[] SzaNetWeights = ["conv1.weight", "conv2.weight", "conv3.weight", "fc1.weight", "fc2.weight"];

    private static SzaNet Model(int seed)
    {
        manual_seed(seed);
        return new SzaNet(64);
    }

    private static float[] Values(Tensor t) => t.detach().flatten().data<float>().ToArray();

    private static Dictionary<string, float[]> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32).flatten().data<float>().ToArray());

    [Fact]
    public void OnlyConvolutionAndDenseWeightsArePrunable()
    {
        using var model = Model(1);
        Assert.Equal(SzaNetWeights, Pruner.PrunableWeights(model).Select(w => w.Name));
    }

    [Theory]
    [InlineData(PruningMethod.Random, 0.0)]
    [InlineData(PruningMethod.Random, 0.3)]
    [InlineData(PruningMethod.Random, 0.9)]
    [InlineData(PruningMethod.Magnitude, 0.5)]
    [InlineData(PruningMethod.Magnitude, 0.7)]
    [InlineData(PruningMethod.Magnitude, 1.0)]
    public void LayerScopeGivesEveryTensorTheRequestedFractionOfZeros(PruningMethod method, double sparsity)
    {
        using var model = Model(2);
        using var mask = Pruner.Create(model, method, PruningScope.Layer, sparsity, seed: 4);
        mask.Apply(model);
        var report = SparsityReport.Measure(model);
        Assert.Equal(SzaNetWeights, report.Tensors.Select(t => t.Name));
        foreach (var t in report.Tensors)
        {
            Assert.Equal((long)Math.Round(sparsity * t.Count, MidpointRounding.AwayFromZero), t.Zeros);
            Assert.Equal(sparsity, t.Sparsity, 1.0 / t.Count);  // conv1 has 432 weights: within one weight
        }
        Assert.Equal(sparsity, report.Sparsity, 3);
    }

    [Theory]
    [InlineData(PruningMethod.Random)]
    [InlineData(PruningMethod.Magnitude)]
    public void GlobalScopeGivesTheRequestedFractionOverAllPrunableWeights(PruningMethod method)
    {
        using var model = Model(3);
        using var mask = Pruner.Create(model, method, PruningScope.Global, 0.6, seed: 4);
        mask.Apply(model);
        var report = SparsityReport.Measure(model);
        long total = report.Tensors.Sum(t => t.Count);
        Assert.Equal((long)Math.Round(0.6 * total), report.Tensors.Sum(t => t.Zeros));
        if (method == PruningMethod.Magnitude)
        {
            // SZANet's dense layer has far smaller initial weights than its convolutions: global pruning takes it first.
            Assert.True(report.Tensors.Single(t => t.Name == "fc1.weight").Sparsity > 0.6);
            Assert.True(report.Tensors.Single(t => t.Name == "conv1.weight").Sparsity < 0.6);
        }
    }

    [Theory]
    [InlineData(PruningMethod.Random, PruningScope.Layer)]
    [InlineData(PruningMethod.Magnitude, PruningScope.Global)]
    public void BiasesAndBatchNormAreUntouched(PruningMethod method, PruningScope scope)
    {
        using var model = Model(5);
        var before = Snapshot(model);
        using var mask = Pruner.Create(model, method, scope, 0.8, seed: 1);
        mask.Apply(model);
        var after = Snapshot(model);
        Assert.Equal(before.Keys, after.Keys);
        var untouched = before.Keys.Except(SzaNetWeights).ToList();
        Assert.Contains("conv1.bias", untouched);
        Assert.Contains("bn1.weight", untouched);
        Assert.Contains("bn3.running_var", untouched);
        Assert.Contains("fc2.bias", untouched);
        foreach (var key in untouched) Assert.Equal(before[key], after[key]);
        foreach (var key in SzaNetWeights) Assert.NotEqual(before[key], after[key]);
    }

    [Fact]
    public void RandomPruningIsReproducibleBySeedAndNestedAcrossSparsities()
    {
        using var model = Model(6);
        using var a = Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 0.5, seed: 11);
        using var b = Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 0.5, seed: 11);
        using var other = Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 0.5, seed: 12);
        using var more = Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 0.7, seed: 11);
        foreach (var name in SzaNetWeights)
        {
            Assert.Equal(Values(a[name]), Values(b[name]));
            Assert.NotEqual(Values(a[name]), Values(other[name]));
            // every weight pruned at 50% is also pruned at 70%
            var half = Values(a[name]);
            var seventy = Values(more[name]);
            Assert.All(Enumerable.Range(0, half.Length).Where(i => half[i] == 0), i => Assert.Equal(0f, seventy[i]));
        }
    }

    [Fact]
    public void RandomPruningDoesNotFollowMagnitude()
    {
        using var model = Model(7);
        var weights = Values(model.named_parameters().Single(p => p.name == "fc1.weight").parameter);
        using var mask = Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 0.5, seed: 3);
        var keep = Values(mask["fc1.weight"]);
        double prunedMean = Enumerable.Range(0, keep.Length).Where(i => keep[i] == 0).Average(i => Math.Abs(weights[i]));
        double keptMean = Enumerable.Range(0, keep.Length).Where(i => keep[i] == 1).Average(i => Math.Abs(weights[i]));
        Assert.Equal(1.0, prunedMean / keptMean, 1);
    }

    [Fact]
    public void MagnitudePruningRemovesTheSmallestWeights_HandExample()
    {
        using var layer = nn.Linear(4, 2);
        using (no_grad()) layer.weight.copy_(tensor(new float[] { 0.1f, -0.5f, 0.3f, -0.05f, 2f, -0.2f, 0.01f, 1f }).view(2, 4));
        using var mask = Pruner.Create(layer, PruningMethod.Magnitude, PruningScope.Layer, 0.5);
        mask.Apply(layer);
        // the four smallest |w|: 0.01, 0.05, 0.1, 0.2
        Assert.Equal(new[] { 0f, -0.5f, 0.3f, 0f, 2f, 0f, 0f, 1f }, Values(layer.weight));
        Assert.Equal(4, mask.PrunedCount("weight"));
    }

    [Fact]
    public void GlobalMagnitudePruningRanksAcrossTensors_HandExample()
    {
        using var model = nn.Sequential(("a", nn.Linear(2, 2)), ("b", nn.Linear(2, 1)));
        var a = model.named_parameters().Single(p => p.name == "a.weight").parameter;
        var b = model.named_parameters().Single(p => p.name == "b.weight").parameter;
        using (no_grad())
        {
            a.copy_(tensor(new float[] { 0.9f, -0.1f, 0.4f, 0.05f }).view(2, 2));
            b.copy_(tensor(new float[] { -0.2f, 0.3f }).view(1, 2));
        }
        using var mask = Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Global, 0.5);
        mask.Apply(model);
        // six weights, three pruned: 0.05, 0.1 (in a) and 0.2 (in b)
        Assert.Equal(new[] { 0.9f, 0f, 0.4f, 0f }, Values(a));
        Assert.Equal(new[] { 0f, 0.3f }, Values(b));
    }

    [Fact]
    public void MagnitudePruningRemovesTheSmallestWeightsOfEveryTensor()
    {
        using var model = Model(8);
        var before = Snapshot(model);
        using var mask = Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Layer, 0.4);
        foreach (var name in SzaNetWeights)
        {
            var keep = Values(mask[name]);
            var w = before[name];
            float maxPruned = Enumerable.Range(0, w.Length).Where(i => keep[i] == 0).Max(i => Math.Abs(w[i]));
            float minKept = Enumerable.Range(0, w.Length).Where(i => keep[i] == 1).Min(i => Math.Abs(w[i]));
            Assert.True(maxPruned <= minKept, $"{name}: pruned |w| up to {maxPruned}, kept from {minKept}");
        }
    }

    [Fact]
    public void OutOfRangeSparsityIsRejected()
    {
        using var model = Model(9);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pruner.Create(model, PruningMethod.Random, PruningScope.Layer, 1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Layer, -0.1));
    }

    [Fact]
    public void MasksSurviveRetrainingStepsWhenAppliedAfterEachStep()
    {
        using var model = Model(10);
        using var mask = Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Layer, 0.5);
        mask.Apply(model);
        var pruned = Snapshot(model);
        using var trainer = new Trainer(model, Preprocessing.UnitScale(), learningRate: 1e-2, classWeights: [1, 1]);
        trainer.AfterStep = () => mask.Apply(model);
        var batch = SyntheticBatch(8);
        for (int i = 0; i < 5; i++) trainer.Step(batch);

        var after = Snapshot(model);
        foreach (var name in SzaNetWeights)
        {
            var keep = Values(mask[name]);
            Assert.All(Enumerable.Range(0, keep.Length).Where(i => keep[i] == 0), i => Assert.Equal(0f, after[name][i]));
            Assert.NotEqual(pruned[name], after[name]); // the kept weights did train
        }
        Assert.Equal(0.5, SparsityReport.Measure(model).Sparsity, 3);
    }

    [Fact]
    public void WithoutTheMaskAdamRevivesPrunedWeights()
    {
        // The reason for re-applying masks: a gradient step moves zeroed weights away from zero.
        using var model = Model(10);
        using var mask = Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Layer, 0.5);
        mask.Apply(model);
        using var trainer = new Trainer(model, Preprocessing.UnitScale(), learningRate: 1e-2, classWeights: [1, 1]);
        trainer.Step(SyntheticBatch(8));
        var report = SparsityReport.Measure(model);
        Assert.True(report.Sparsity < 0.5, $"sparsity {report.Sparsity}");
        Assert.True(report.Tensors[0].Sparsity < 0.1, $"conv1 sparsity {report.Tensors[0].Sparsity}");
    }

    private static Batch SyntheticBatch(int count)
    {
        var random = new Random(count);
        const int size = 64;
        var pixels = new byte[count * 3 * size * size];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (float)(i % 2)).ToArray();
        return new Batch(pixels, count, size, labels, []);
    }
}
