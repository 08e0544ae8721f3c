using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Pruning;

/// <summary>Each pruned model's threshold: chosen on its own validation predictions, never on test.</summary>
public class PruningRowTests
{
    private const double DenseThreshold = 0.132;

    private static Predictions P(int[] labels, double[] probabilities) =>
        new(labels.Select((_, i) => $"img{i}.png").ToList(), labels, probabilities);

    // A pruned model whose probabilities rose: every NORMAL image is above the dense threshold (0.132), but the
    // classes stay separable, with the widest gap at (0.35, 0.55]: Youden puts its threshold at 0.45.
    private static readonly Predictions Validation = P([0, 0, 0, 0, 1, 1, 1, 1], [0.20, 0.25, 0.30, 0.35, 0.55, 0.60, 0.70, 0.90]);

    [Fact]
    public void APrunedRowIsScoredAtTheThresholdItsOwnValidationPredictionsChoose()
    {
        var test = P([0, 0, 1, 1], [0.40, 0.50, 0.60, 0.80]);
        var row = PruningRow.Of("magnitude-retrained", 0.5, 0.5, Validation, test, ThresholdRule.Youden, DenseThreshold, 1000, 1);

        Assert.Equal(0.45, row.Threshold, 12);
        Assert.Equal(row.Threshold, row.Validation.Threshold);
        Assert.Equal(row.Threshold, row.Test.Threshold);
        Assert.Equal(1.0, row.Validation.Accuracy);           // separable at 0.45
        Assert.Equal(0.75, row.Validation.Score, 12);          // (0.5 + 1.0) / 2: the score is at the own threshold
        Assert.Equal(0.75, row.Test.Accuracy);                 // 0.50 is a NORMAL image called PNEUMONIA
        // the dense threshold's columns: everything is PNEUMONIA there
        Assert.Equal(DenseThreshold, row.ValidationAtDenseThreshold.Threshold);
        Assert.Equal(0.5, row.ValidationAtDenseThreshold.Accuracy);
        Assert.Equal(0.0, row.ValidationAtDenseThreshold.Specificity);
        Assert.Equal(0.5, row.TestAtDenseThreshold.Accuracy);
        Assert.Equal(row.Validation.Auc, row.ValidationAtDenseThreshold.Auc);  // AUC does not depend on the threshold
    }

    [Fact]
    public void TestPredictionsNeverChangeTheChosenThreshold()
    {
        var test = P([0, 0, 1, 1], [0.40, 0.50, 0.60, 0.80]);
        var other = P([0, 0, 1, 1], [0.05, 0.10, 0.20, 0.30]);  // on its own, Youden would choose 0.15 here
        var a = PruningRow.Of("magnitude", 0.3, 0.3, Validation, test, ThresholdRule.Youden, DenseThreshold, 1000, 1);
        var b = PruningRow.Of("magnitude", 0.3, 0.3, Validation, other, ThresholdRule.Youden, DenseThreshold, 1000, 1);

        Assert.Equal(0.15, ThresholdSelector.Youden(other.Labels, other.Probabilities), 12);
        Assert.Equal(a.Threshold, b.Threshold);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Equal(a.ValidationAtDenseThreshold, b.ValidationAtDenseThreshold);
        Assert.Equal(0.5, b.Test.Accuracy);  // at 0.45 every image of the other test set is called NORMAL
        Assert.NotEqual(a.Test, b.Test);
        Assert.Equal(a, b with { Test = a.Test, TestAtDenseThreshold = a.TestAtDenseThreshold });  // nothing else differs
    }

    [Fact]
    public void TheRuleIsTheDenseModelsAndTheDenseRowKeepsItsOwnThreshold()
    {
        var test = P([0, 0, 1, 1], [0.40, 0.50, 0.60, 0.80]);
        var byDefault = PruningRow.Of("random", 0.5, 0.5, Validation, test, ThresholdRule.Default, DenseThreshold, 1000, 1);
        Assert.Equal(ThresholdSelector.Default, byDefault.Threshold);
        Assert.Equal(ThresholdSelector.Default, byDefault.Test.Threshold);

        var dense = PruningRow.Of(PruningVariant.DenseName, 0, 0, Validation, test, ThresholdRule.Youden, DenseThreshold, 1000, 1);
        Assert.Equal(DenseThreshold, dense.Threshold);
        Assert.Equal(dense.Validation, dense.ValidationAtDenseThreshold);

        Assert.ThrowsAny<ArgumentException>(() => PruningRow.Of("random", 0.5, 0.5, Validation, test, ThresholdRule.Sensitivity(0.9), DenseThreshold, 1000, 1));
    }
}
