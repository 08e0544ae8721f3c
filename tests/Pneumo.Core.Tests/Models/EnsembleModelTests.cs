using Pneumo.Inference;
using Pneumo.Models;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

public class EnsembleModelTests
{
    [Fact]
    public void TheLogitIsTheMeanOfTheMembersLogits()
    {
        var a = TinyEnsemble.Member(seed: 1);
        var b = TinyEnsemble.Member(seed: 2);
        using var ensemble = new EnsembleModel([a, b]);
        var random = new Random(3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = TinyEnsemble.Input(Enumerable.Range(0, 5).Select(_ => TinyEnsemble.Noise(random)).ToList());
        var la = a.call(input).data<float>().ToArray();
        var lb = b.call(input).data<float>().ToArray();
        var mean = ensemble.call(input).data<float>().ToArray();
        for (int i = 0; i < mean.Length; i++) Assert.Equal((la[i] + lb[i]) / 2, mean[i], 5);
        // The members differ (else the mean proves nothing), and the split into features and head gives the same logits.
        Assert.True(Enumerable.Range(0, la.Length).Any(i => Math.Abs(la[i] - lb[i]) > 0.2), $"members' logits {string.Join(" ", la)} and {string.Join(" ", lb)}");
        var viaHead = ensemble.ForwardHead(ensemble.ForwardFeatures(input)).data<float>().ToArray();
        for (int i = 0; i < mean.Length; i++) Assert.Equal(mean[i], viaHead[i], 5);
        Assert.Equal(2 * a.ForwardFeatures(input).shape[1], ensemble.ForwardFeatures(input).shape[1]);
    }

    [Fact]
    public void ItNamesWhatItCombinesAndKeepsTheMembersStateDictNames()
    {
        using var ensemble = new EnsembleModel([TinyEnsemble.Member(1), TinyEnsemble.Member(2), TinyEnsemble.Member(3)]);
        Assert.Equal("ensemble(3 x szanet)", ensemble.Architecture);
        Assert.Equal("ensemble(2 x resnet18-full + 1 x szanet)", EnsembleModel.Describe(["resnet18-full", "szanet", "resnet18-full"]));
        var keys = ensemble.state_dict().Keys.ToList();
        Assert.Contains("members.0.conv1.weight", keys);
        Assert.Contains("members.2.fc2.bias", keys);
        Assert.False(ensemble.training);
        Assert.Contains("mean of the 3 members' maps", ensemble.FeatureLayer);
    }

    [Fact]
    public void WithFlipAveragingThePredictorAveragesTheMeanLogitPerView()
    {
        var a = TinyEnsemble.Member(seed: 4);
        var b = TinyEnsemble.Member(seed: 5);
        using var ensemble = new EnsembleModel([a, b]);
        var random = new Random(6);
        var images = Enumerable.Range(0, 4).Select(_ => TinyEnsemble.Noise(random)).ToList();
        var p = new Predictor(ensemble, TinyEnsemble.Preprocessing, flipAveraging: true).Predict(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = TinyEnsemble.Input(images);
        Tensor Mean(Tensor x) => a.call(x).add(b.call(x)).div(2).sigmoid();
        var expected = Mean(input).add(Mean(input.flip(3))).div(2).to_type(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < p.Length; i++) Assert.Equal(expected[i], p[i], 6);
    }
}
