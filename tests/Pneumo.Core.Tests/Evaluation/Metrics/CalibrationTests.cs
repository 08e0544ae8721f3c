using Pneumo.Evaluation.Metrics;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

public class CalibrationTests
{
    [Fact]
    public void EceIsTheCountWeightedGapBetweenConfidenceAndFrequency()
    {
        // Bin [0.2,0.3): two images at 0.25, one positive -> |0.5 - 0.25| = 0.25, weight 2/4.
        // Bin [0.9,1.0]: two images at 0.95 and 1.0, both positive -> |1 - 0.975| = 0.025, weight 2/4.
        var c = Calibration.Compute([1, 0, 1, 1], [0.25, 0.25, 0.95, 1.0]);
        Assert.Equal(0.5 * 0.25 + 0.5 * 0.025, c.ExpectedCalibrationError, 12);
        Assert.Equal(10, c.Bins.Count);
        Assert.Equal(2, c.Bins[2].Count);
        Assert.Equal(2, c.Bins[9].Count);
        Assert.Equal(0.5, c.Bins[2].FractionPositive);
        Assert.Equal(0, c.Bins[5].Count);
    }

    [Fact]
    public void PerfectlyCalibratedScoresHaveNearZeroEce()
    {
        var random = new Random(3);
        var p = Enumerable.Range(0, 20000).Select(_ => random.NextDouble()).ToArray();
        var labels = p.Select(x => random.NextDouble() < x ? 1 : 0).ToArray();
        Assert.InRange(Calibration.Compute(labels, p).ExpectedCalibrationError, 0, 0.02);
    }
}
