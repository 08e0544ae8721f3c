using Pneumo.Pruning;
using Xunit;

namespace Pneumo.Tests.Pruning;

public class PruningChoiceTests
{
    internal static PruningMetrics M(double accuracy, double sparsity, double auc = 0.9) =>
        new(100, accuracy, auc, 0.9, 0.9, 0.3, (sparsity + accuracy) / 2);

    internal static PruningRow Row(string variant, double sparsity, double valAccuracy, double testAccuracy) =>
        new(variant, sparsity, sparsity, M(valAccuracy, sparsity), M(testAccuracy, sparsity), 1000, 1);

    internal static readonly PruningRow Dense = Row(PruningVariant.DenseName, 0, 0.95, 0.90);

    // by validation score 0.50 wins (0.700 against 0.625 and 0.650); by test score 0.70 would (0.830)
    internal static readonly PruningRow[] Magnitude =
    [
        Row("magnitude", 0.3, valAccuracy: 0.95, testAccuracy: 0.80),
        Row("magnitude", 0.5, valAccuracy: 0.90, testAccuracy: 0.95),
        Row("magnitude", 0.7, valAccuracy: 0.60, testAccuracy: 0.96),
    ];

    [Fact]
    public void TheChosenSparsityMaximisesTheValidationScoreNotTheTestScore()
    {
        var choice = Assert.Single(PruningChoice.For(Dense, Magnitude, tolerance: 0.015));
        Assert.Equal("magnitude", choice.Variant);
        Assert.Equal(0.5, choice.ChosenSparsity);
        Assert.Equal(0.70, choice.ValidationScore, 12);
        Assert.Equal(0.95, choice.TestAccuracy);
    }

    [Fact]
    public void KeptSparsityIsTheLargestUpToWhichEveryStepStaysWithinTolerance()
    {
        var choice = PruningChoice.For(Dense, Magnitude, tolerance: 0.015)[0];
        Assert.Equal(0.3, choice.MaxSparsityWithinToleranceValidation);  // 0.95 >= 0.935; 0.90 is not
        Assert.Null(choice.MaxSparsityWithinToleranceTest);              // 0.80 < 0.885 at once, though 0.5 and 0.7 pass
        var loose = PruningChoice.For(Dense, Magnitude, tolerance: 0.4)[0];
        Assert.Equal(0.7, loose.MaxSparsityWithinToleranceValidation);
    }

    [Fact]
    public void EachVariantGetsItsOwnChoiceAndTheDenseRowIsIgnored()
    {
        var random = new[] { Row("random", 0.3, 0.9, 0.9), Row("random", 0.5, 0.5, 0.6) };
        var choices = PruningChoice.For(Dense, [Dense, .. Magnitude, .. random], 0.015);
        Assert.Equal(["magnitude", "random"], choices.Select(c => c.Variant));
        Assert.Equal(0.3, choices[1].ChosenSparsity);
    }

    [Fact]
    public void TheBestRowOverAllVariantsIsByValidationScore()
    {
        var random = Row("random", 0.9, 0.6, 0.99);
        Assert.Equal(random, PruningChoice.Best([.. Magnitude, random]));  // 0.75 on validation
    }
}
