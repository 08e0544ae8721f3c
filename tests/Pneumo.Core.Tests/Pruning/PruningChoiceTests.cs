using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Pruning;

public class PruningChoiceTests
{
    internal static PruningMetrics M(double accuracy, double sparsity, double auc = 0.9) =>
        new(100, 0.5, accuracy, auc, 0.9, 0.9, 0.3, (sparsity + accuracy) / 2);

    internal static PruningRow Row(string variant, double sparsity, double valAccuracy, double testAccuracy) =>
        new(variant, sparsity, sparsity, 0.5, M(valAccuracy, sparsity), M(testAccuracy, sparsity),
            M(valAccuracy, sparsity), M(testAccuracy, sparsity), 1000, 1);

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

    [Fact]
    public void TheChoiceIsAtEachRowsOwnThresholdNotTheDenseOne()
    {
        // At the dense threshold (0.132) the 0.5 row calls every validation image PNEUMONIA (accuracy 0.5, score 0.5) and
        // the 0.3 row wins (score 0.65); at its own threshold the 0.5 row is perfect on validation (score 0.75) and wins.
        static Predictions P(int[] labels, double[] probabilities) =>
            new(labels.Select((_, i) => $"img{i}.png").ToList(), labels, probabilities);
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1];
        var test = P([0, 1], [0.1, 0.9]);
        var calibrated = P(labels, [0.01, 0.02, 0.05, 0.10, 0.20, 0.60, 0.70, 0.90]);  // separable at 0.132
        var shifted = P(labels, [0.20, 0.25, 0.30, 0.35, 0.55, 0.60, 0.70, 0.90]);
        var dense = PruningRow.Of(PruningVariant.DenseName, 0, 0, calibrated, test, ThresholdRule.Youden, 0.132, 1000, 1);
        var rows = new[]
        {
            PruningRow.Of("magnitude", 0.3, 0.3, calibrated, test, ThresholdRule.Youden, 0.132, 1000, 1),
            PruningRow.Of("magnitude", 0.5, 0.5, shifted, test, ThresholdRule.Youden, 0.132, 1000, 1),
        };
        Assert.Equal(0.65, rows[0].ValidationAtDenseThreshold.Score, 12);
        Assert.Equal(0.50, rows[1].ValidationAtDenseThreshold.Score, 12);

        var choice = Assert.Single(PruningChoice.For(dense, rows, 0.015));
        Assert.Equal(0.5, choice.ChosenSparsity);
        Assert.Equal(0.45, choice.Threshold, 12);
        Assert.Equal(0.75, choice.ValidationScore, 12);
        Assert.Equal(rows[1], PruningChoice.Best(rows));
    }
}
