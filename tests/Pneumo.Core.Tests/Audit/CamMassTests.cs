using Pneumo.Audit;
using Xunit;

namespace Pneumo.Tests.Audit;

public class CamMassTests
{
    // 10 x 10: a 1-pixel band (36 pixels), 2-pixel corner patches.
    private static readonly AuditRegions Regions = AuditRegions.For(10, 10, 0.1, 0.2);

    [Fact]
    public void AUniformMapHasTheAreaShares()
    {
        var map = Enumerable.Repeat(0.7f, 100).ToArray();
        var m = CamMass.Of(map, Regions);
        Assert.Equal(0.36, m.Border, 12);
        Assert.All(new[] { m.TopLeft, m.TopRight, m.BottomLeft, m.BottomRight }, v => Assert.Equal(0.04, v, 12));
    }

    [Fact]
    public void MassIsCountedWhereItLies()
    {
        var map = new float[100];
        map[0 * 10 + 0] = 3;    // top-left corner pixel: border and top-left patch
        map[1 * 10 + 8] = 2;    // (8, 1): top-right patch, not the band
        map[5 * 10 + 5] = 5;    // centre
        map[9 * 10 + 9] = -4;   // negative evidence counts as none
        var m = CamMass.Of(map, Regions);
        Assert.Equal(0.3, m.Border, 12);
        Assert.Equal(0.3, m.TopLeft, 12);
        Assert.Equal(0.2, m.TopRight, 12);
        Assert.Equal(0, m.BottomLeft);
        Assert.Equal(0, m.BottomRight);
        var normalized = CamMass.Normalized(map)!;
        Assert.Equal(1, normalized.Sum(), 12);
        Assert.Equal(0.5, normalized[55], 12);
        Assert.Equal(0, normalized[99]);
    }

    [Fact]
    public void AMapWithoutEvidenceSaysNothing()
    {
        var m = CamMass.Of(new float[100], Regions);
        Assert.True(double.IsNaN(m.Border) && double.IsNaN(m.TopRight));
        Assert.Null(CamMass.Normalized(new float[100]));
    }
}
