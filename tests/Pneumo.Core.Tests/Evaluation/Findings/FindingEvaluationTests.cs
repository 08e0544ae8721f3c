using Pneumo.Evaluation.Findings;
using Xunit;

namespace Pneumo.Tests.Evaluation.Findings;

/// <summary>The three-class measures against cases counted by hand.</summary>
public class FindingEvaluationTests
{
    private static readonly string[] Classes = ["NORMAL", "BACTERIAL", "VIRAL"];

    /// <summary>A probability vector whose most probable class is <paramref name="c"/>, with <paramref name="b"/> for BACTERIAL when given.</summary>
    private static double[] Vote(int c) => c switch { 0 => [0.8, 0.1, 0.1], 1 => [0.1, 0.7, 0.2], _ => [0.1, 0.2, 0.7] };

    // Truth and prediction of 10 images:
    //   NORMAL (4):    N N N B      BACTERIAL (3): B B V      VIRAL (3): V V B
    private static readonly int[] Truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    private static readonly int[] Predicted = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1];

    [Fact]
    public void TheConfusionMatrixCountsTruthByRowAndPredictionByColumn()
    {
        var m = FindingEvaluation.Confusion(Truth, Predicted.Select(Vote).ToList(), 3);
        Assert.Equal([3, 1, 0], m[0]);
        Assert.Equal([0, 2, 1], m[1]);
        Assert.Equal([0, 1, 2], m[2]);
    }

    [Fact]
    public void AccuracyF1AndKappaMatchTheHandCount()
    {
        var f = FindingEvaluation.Compute(Truth, Predicted.Select(Vote).ToList(), Classes, resamples: 50);
        Assert.Equal(0.7, f.Metrics["accuracy"].Estimate, 12);
        // F1 per class: NORMAL 2*3/(6+0+1) = 6/7; BACTERIAL 2*2/(4+2+1) = 4/7; VIRAL 2*2/(4+1+1) = 4/6.
        double[] f1 = [6.0 / 7, 4.0 / 7, 4.0 / 6];
        Assert.Equal(f1.Average(), f.Metrics["macro_f1"].Estimate, 12);
        Assert.Equal((4 * f1[0] + 3 * f1[1] + 3 * f1[2]) / 10, f.Metrics["weighted_f1"].Estimate, 12);
        // kappa: observed 0.7; chance = sum over classes of (row total / n) x (column total / n) = .4*.3 + .3*.4 + .3*.3 = 0.33.
        Assert.Equal((0.7 - 0.33) / (1 - 0.33), f.Metrics["kappa"].Estimate, 12);
        Assert.All(f.Metrics.Values, ci => Assert.InRange(ci.Estimate, ci.Lower - 1e-12, ci.Upper + 1e-12));
    }

    [Fact]
    public void BacterialVsViralCountsOnlyThePneumoniaImages()
    {
        var f = FindingEvaluation.Compute(Truth, Predicted.Select(Vote).ToList(), Classes, resamples: 50);
        Assert.Equal(6, f.BacterialVsViralImages);
        // Bacterial (positive) images predicted B B V; viral V V B. The NORMAL row's BACTERIAL call does not count.
        Assert.Equal(4.0 / 6, f.BacterialVsViral["accuracy"].Estimate, 12);
        Assert.Equal(2.0 / 3, f.BacterialVsViral["sensitivity"].Estimate, 12);
        Assert.Equal(2.0 / 3, f.BacterialVsViral["specificity"].Estimate, 12);
        // Scores 0.7/0.9 (B votes) and 0.2/0.9 (V votes): 2 of 3 bacterial images above 2 of 3 viral ones; AUC = 1 - P(viral above) ...
        // pairs (bacterial, viral): B votes beat V votes, ties are halves: (2x2 wins + 2x1 ties/2 + 1x2 ties/2 + 1x1 loss) / 9 = (4 + 1 + 1) / 9.
        Assert.Equal(6.0 / 9, f.BacterialVsViral["auc"].Estimate, 12);
    }

    [Fact]
    public void OneVsRestAucOfPerfectScoresIsOne()
    {
        var probabilities = Truth.Select(Vote).ToList();
        var f = FindingEvaluation.Compute(Truth, probabilities, Classes, resamples: 20);
        Assert.Equal(1.0, f.Metrics["auc_normal"].Estimate);
        Assert.Equal(1.0, f.Metrics["auc_bacterial"].Estimate);
        Assert.Equal(1.0, f.Metrics["auc_viral"].Estimate);
        Assert.Equal(1.0, f.Metrics["kappa"].Estimate, 12);
    }

    [Fact]
    public void TheFindingReferralKeepsEachClassInItsSetAtTheCoverageAndRefersAmbiguousKinds()
    {
        // 19 images per class, each class's own probability spread from 0.45 to 0.99: at coverage 0.9 the quantile of
        // 1 - P(class) is the ceil(20 x 0.9) = 18th smallest, so 18 of 19 images of each class hold their class.
        var truth = new List<int>();
        var probabilities = new List<double[]>();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 19; i++)
            {
                double own = 0.99 - i * 0.03, rest = (1 - own) / 2;
                var p = new[] { rest, rest, rest };
                p[c] = own;
                truth.Add(c);
                probabilities.Add(p);
            }
        var rule = Pneumo.Evaluation.Metrics.ConformalFit.FitClasses(truth, probabilities, 0.9, "test");
        Assert.Equal([19, 19, 19], rule.Samples);
        for (int c = 0; c < 3; c++)
            Assert.Equal(18, Enumerable.Range(0, truth.Count).Count(i => truth[i] == c && rule.Set(probabilities[i]).Contains(c)));
        Assert.False(rule.RefersKind([0.02, 0.97, 0.01], likely: 1));  // clearly bacterial
        Assert.True(rule.RefersKind([0.02, 0.49, 0.49], likely: 1));   // either kind: both in the set, or neither
        var f = FindingEvaluation.Compute(truth, probabilities, Classes, resamples: 20, referral: rule);
        Assert.InRange(f.BacterialVsViral["referred"].Estimate, 0, 1);
        Assert.True(f.BacterialVsViral.ContainsKey("accuracy_decided"));
    }

    [Fact]
    public void ABadInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => FindingEvaluation.Compute([0, 3], [Vote(0), Vote(1)], Classes, resamples: 1));
        Assert.Throws<ArgumentException>(() => FindingEvaluation.Compute([0], [[0.5, 0.5]], Classes, resamples: 1));
        Assert.Throws<ArgumentException>(() => FindingEvaluation.Compute([0], [[double.NaN, 0.5, 0.5]], Classes, resamples: 1));
    }
}
