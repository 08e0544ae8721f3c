using Pneumo.Persistence;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Pruning;

public class PruningSettingsTests
{
    [Fact]
    public void ThePlanEvaluatesEveryUnretrainedVariantBeforeRetraining()
    {
        var settings = new PruningSettings { Methods = [PruningMethod.Magnitude, PruningMethod.Random], Sparsities = [0.5, 0.2], RetrainEpochs = 2 };
        Assert.Equal(
            ["magnitude@0.20", "magnitude@0.50", "random@0.20", "random@0.50",
             "magnitude-retrained@0.20", "magnitude-retrained@0.50", "random-retrained@0.20", "random-retrained@0.50"],
            settings.Plan().Select(s => s.Key));
        Assert.Equal(["magnitude", "magnitude-retrained", "random", "random-retrained"], settings.Variants().Select(v => v.Name));
    }

    [Fact]
    public void WithoutRetrainingThereAreNoRetrainedVariants()
    {
        var settings = new PruningSettings { RetrainEpochs = 0 };
        Assert.Equal(["random", "magnitude"], settings.Variants().Select(v => v.Name));
        Assert.Equal(18, settings.Plan().Count);
    }

    [Theory]
    [InlineData(1.0, 1, "--sparsity")]
    [InlineData(0.0, 1, "--sparsity")]
    [InlineData(0.5, -1, "--retrain-epochs")]
    public void InvalidSettingsNameTheOption(double sparsity, int epochs, string option)
    {
        var problem = new PruningSettings { Sparsities = [sparsity], RetrainEpochs = epochs }.Validate();
        Assert.NotNull(problem);
        Assert.Contains(option, problem);
    }

    [Fact]
    public void DefaultsAreValid() => Assert.Null(new PruningSettings().Validate());
}
