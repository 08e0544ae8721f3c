using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class ConfusionMatrixTests
{
    // labels:  1    1    1    0    0    0    0    1
    // scores: .9   .8   .4   .7   .2   .1   .5   .6   at threshold 0.5:
    // predicted 1 1 0 1 0 0 1 1 -> TP 3 (.9,.8,.6), FN 1 (.4), FP 2 (.7,.5), TN 2 (.2,.1)
    private static readonly int[] Labels = [1, 1, 1, 0, 0, 0, 0, 1];
    private static readonly double[] Scores = [0.9, 0.8, 0.4, 0.7, 0.2, 0.1, 0.5, 0.6];

    [Fact]
    public void CountsAreHandComputed_ScoreEqualToThresholdIsPositive()
    {
        var cm = ConfusionMatrix.At(Labels, Scores, 0.5);
        Assert.Equal(new ConfusionMatrix(Tp: 3, Fp: 2, Tn: 2, Fn: 1), cm);
    }

    [Fact]
    public void RatiosAreHandComputed()
    {
        var cm = ConfusionMatrix.At(Labels, Scores, 0.5);
        Assert.Equal(5.0 / 8, cm.Accuracy, 12);
        Assert.Equal(3.0 / 5, cm.Precision, 12);
        Assert.Equal(3.0 / 4, cm.Recall, 12);
        Assert.Equal(cm.Recall, cm.Sensitivity);
        Assert.Equal(2.0 / 4, cm.Specificity, 12);
        Assert.Equal(2 * 0.6 * 0.75 / (0.6 + 0.75), cm.F1, 12);
    }

    [Fact]
    public void ThePapersSzaNetMatrixGivesItsAccuracy()
    {
        // The paper's SZANet figure: 132 TP, 102 FP, 6 FN, 384 TN as printed (its classes are swapped: 234 NORMAL).
        var cm = new ConfusionMatrix(Tp: 384, Fp: 102, Tn: 132, Fn: 6);
        Assert.Equal(624, cm.N);
        Assert.Equal(516.0 / 624, cm.Accuracy, 12);
    }

    [Fact]
    public void EmptyDenominatorsGiveZero()
    {
        var cm = ConfusionMatrix.At([0, 0], [0.1, 0.2], 0.5);
        Assert.Equal(0, cm.Precision);
        Assert.Equal(0, cm.Recall);
        Assert.Equal(0, cm.F1);
        Assert.Equal(1, cm.Specificity);
    }

    [Fact]
    public void RejectsMismatchedOrNonBinaryInput()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.At([1, 0], [0.5], 0.5));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.At([2], [0.5], 0.5));
    }
}
