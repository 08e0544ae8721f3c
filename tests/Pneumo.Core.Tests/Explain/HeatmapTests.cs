using Pneumo.Explain;
using Xunit;

namespace Pneumo.Tests.Explain;

public class HeatmapTests
{
    [Fact]
    public void MassInCountsTheShareOfTheTotal()
    {
        // 2x2 map [[1, 0], [0, 3]]: the bottom-right pixel holds 3/4 of the mass.
        var map = new Heatmap(2, 2, [1, 0, 0, 3]);
        Assert.Equal(0.75, map.MassIn(1, 1, 2, 2), 12);
        Assert.Equal(0.25, map.MassIn(0, 0, 1, 2), 12);
        Assert.Equal(0, new Heatmap(2, 1, [0, 0]).MassIn(0, 0, 2, 1));
    }

    [Fact]
    public void ResizeKeepsCornersWhereTheyAre()
    {
        // A hot top-right pixel stays in the top-right when the map is stretched to 8x4.
        var map = new Heatmap(2, 2, [0, 1, 0, 0]);
        var big = map.Resize(8, 4);
        Assert.Equal(1f, big[7, 0]);
        Assert.Equal(0f, big[0, 3]);
        Assert.True(big.MassIn(4, 0, 8, 2) > 0.6);
    }

    [Fact]
    public void NormalizedDividesByTheMaximumAndClipsNegatives()
    {
        var map = Heatmap.Normalized(3, 1, [-1, 2, 4]);
        Assert.Equal(new[] { 0f, 0.5f, 1f }, map.Values);
        Assert.Equal(new[] { 0f, 0f }, Heatmap.Normalized(2, 1, [0, 0]).Values);
        var mean = Heatmap.Mean([new Heatmap(2, 1, [1, 0]), new Heatmap(2, 1, [0.5f, 0.5f])]);
        Assert.Equal(new[] { 1f, 1f / 3 }, mean.Values);
    }
}
