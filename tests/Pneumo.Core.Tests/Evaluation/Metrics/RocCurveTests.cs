using Pneumo.Evaluation.Metrics;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class RocCurveTests
{
    [Fact]
    public void AucOfPerfectRankingIsOne_AndOfReversedIsZero()
    {
        Assert.Equal(1.0, RocCurve.Compute([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).Auc);
        Assert.Equal(0.0, RocCurve.Compute([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]).Auc);
    }

    [Fact]
    public void AucIsTheFractionOfCorrectlyOrderedPairs()
    {
        // positives .9 .8 .4 .6; negatives .7 .2 .1 .5. Pairs (p > n): .9:4, .8:4, .6:3, .4:2 -> 13 of 16.
        var roc = RocCurve.Compute([1, 1, 1, 0, 0, 0, 0, 1], [0.9, 0.8, 0.4, 0.7, 0.2, 0.1, 0.5, 0.6]);
        Assert.Equal(13.0 / 16, roc.Auc, 12);
    }

    [Fact]
    public void TiesBetweenClassesCountHalf()
    {
        // positives .5 .9; negatives .5 .1. Pairs: (.5,.5) tie = 0.5, (.5,.1) 1, (.9,.5) 1, (.9,.1) 1 -> 3.5 / 4.
        Assert.Equal(3.5 / 4, RocCurve.Compute([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]).Auc, 12);
        // All scores equal: no information, AUC 0.5.
        Assert.Equal(0.5, RocCurve.Compute([1, 0, 1, 0, 0], [0.3, 0.3, 0.3, 0.3, 0.3]).Auc, 12);
    }

    [Fact]
    public void PointsRunFromOriginToOneOneWithTiedScoresMerged()
    {
        var roc = RocCurve.Compute([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]);
        Assert.Equal(new RocPoint(0, 0, double.PositiveInfinity), roc.Points[0]);
        Assert.Equal(new RocPoint(0, 0.5, 0.9), roc.Points[1]);
        Assert.Equal(new RocPoint(0.5, 1, 0.5), roc.Points[2]);
        Assert.Equal(new RocPoint(1, 1, 0.1), roc.Points[3]);
        Assert.Equal(4, roc.Points.Count);
    }

    [Fact]
    public void SingleClassHasUndefinedAuc() => Assert.True(double.IsNaN(RocCurve.Compute([1, 1], [0.2, 0.4]).Auc));
}

/// <summary>Issue 29 N2: a NaN or infinite score is refused with one line, never looped on (it used to spin forever, growing).</summary>
public class NonFiniteScoreTests
{
    public static TheoryData<double> NonFinite() => new(double.NaN, double.PositiveInfinity, double.NegativeInfinity);

    [Theory, MemberData(nameof(NonFinite))]
    public async Task RocCurveRefusesANonFiniteScoreWithinASecond(double bad)
    {
        // Run aside, so that the old endless loop fails the test instead of hanging the run (it grew by a GB a second).
        var task = Task.Run(() => RocCurve.Compute([0, 1, 0, 1], [0.2, bad, 0.4, 0.9]));
        Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1))) == task, "RocCurve.Compute did not return within 1 s");
        var e = Assert.IsType<NonFiniteScoresException>(task.Exception?.InnerException);
        Assert.Contains("1 of 4", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void EveryMetricRefusesNonFiniteScoresNamingTheProducer()
    {
        double[] scores = [0.1, double.NaN, 0.7, double.NaN];
        int[] labels = [0, 1, 0, 1];
        Assert.Throws<NonFiniteScoresException>(() => Pneumo.Persistence.BinaryMetrics.Compute(labels, scores, 0.5));
        Assert.Throws<NonFiniteScoresException>(() => ThresholdSelector.Choose(Pneumo.Persistence.ThresholdRule.Youden, labels, scores));
        var e = Assert.Throws<NonFiniteScoresException>(() => FiniteScores.Require(scores, "model m", ["a.png", "b.png", "c.png", "d.png"]));
        Assert.Equal("model m gave NaN or infinite scores for 2 of 4 images (the first: b.png); no metric is computed from them (are its weights NaN or diverged?)", e.Message);
        Assert.IsAssignableFrom<UserError>(e);
    }
}
