using Pneumo.Training;
using Xunit;

namespace Pneumo.Tests.Training;

public class WarmupCosineScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenFollowsAHalfCosineToTheFloor()
    {
        var s = new WarmupCosineSchedule(WarmupSteps: 4, TotalSteps: 104, MinFactor: 0.01);
        Assert.Equal(0.2, s.Factor(0), 12);    // (0 + 1) / (4 + 1)
        Assert.Equal(0.8, s.Factor(3), 12);
        Assert.Equal(1.0, s.Factor(4), 12);    // the top of the cosine
        Assert.Equal(0.505, s.Factor(54), 12); // half way: 0.01 + 0.99 x 0.5
        Assert.Equal(0.01, s.Factor(104), 12);
        Assert.Equal(0.01, s.Factor(500), 12); // stays at the floor
        for (long step = 5; step < 104; step++) Assert.True(s.Factor(step) < s.Factor(step - 1), $"decreasing at {step}");
    }

    [Fact]
    public void NoWarmupStartsAtTheFullRate()
    {
        var s = new WarmupCosineSchedule(0, 10, 0);
        Assert.Equal(1.0, s.Factor(0), 12);
        Assert.Equal(0.5, s.Factor(5), 12);
    }
}
