using Pneumo.Models;
using Pneumo.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Training;

public class WeightAverageTests
{
    private static float First(ClassifierModel m, string name) => m.state_dict()[name].flatten()[0].item<float>();

    [Fact]
    public void StartsAsACopyThenMovesByOneMinusDecayTowardsTheWeights()
    {
        torch.manual_seed(1);
        using var model = new SzaNet(64);
        using var average = new WeightAverage(model, new SzaNet(64), decay: 0.998);
        float before = First(model, "fc2.weight");
        Assert.Equal(before, First(average.Model, "fc2.weight"));

        using (no_grad()) model.state_dict()["fc2.weight"].add_(1.0f);
        average.Update(model);
        double d = Math.Min(0.998, 2.0 / 11); // warm-up after one update
        Assert.Equal(d * before + (1 - d) * (before + 1), First(average.Model, "fc2.weight"), 5);
        Assert.Equal(1, average.Updates);
    }

    [Fact]
    public void BatchNormStatisticsAreAveragedAndTheAverageIsNotTrainable()
    {
        torch.manual_seed(2);
        using var model = new SzaNet(64);
        using var average = new WeightAverage(model, new SzaNet(64), decay: 0.5);
        using (no_grad()) model.state_dict()["bn1.running_mean"].fill_(4f);
        for (int i = 0; i < 50; i++) average.Update(model);
        Assert.Equal(4f, First(average.Model, "bn1.running_mean"), 3);
        Assert.All(average.Model.parameters(), p => Assert.False(p.requires_grad));
    }
}
