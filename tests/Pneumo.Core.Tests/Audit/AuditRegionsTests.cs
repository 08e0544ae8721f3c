using Pneumo.Audit;
using Xunit;

namespace Pneumo.Tests.Audit;

public class AuditRegionsTests
{
    [Fact]
    public void BandAndPatchesAreRoundedFractionsOfTheSideWithTheirAreaShares()
    {
        var r = AuditRegions.For(224, 224, 0.1, 0.15);
        Assert.Equal(22, r.Band);    // 22.4
        Assert.Equal(34, r.Patch);   // 33.6
        Assert.Equal(1 - 180.0 * 180 / (224 * 224), r.BorderAreaShare, 12);  // 0.3543
        Assert.Equal(34.0 * 34 / (224 * 224), r.PatchAreaShare, 12);
        Assert.True(r.InBorder(21, 100));
        Assert.False(r.InBorder(22, 22));
        Assert.False(r.InBorder(201, 201));
        Assert.True(r.InBorder(202, 100));
        Assert.True(r.InBorder(100, 223));
        Assert.Equal(new PixelRect(190, 0, 224, 34), r.TopRight);
        Assert.Equal(new PixelRect(0, 190, 34, 224), r.BottomLeft);
    }

    [Fact]
    public void AnExactTenthIsThirtySixPercent()
    {
        var r = AuditRegions.For(100, 100, 0.1, 0.1);
        Assert.Equal(0.36, r.BorderAreaShare, 12);
        Assert.Equal(0.01, r.PatchAreaShare, 12);
    }

    [Fact]
    public void WithACentreCropTheSharesAreOfWhatTheModelSees()
    {
        // 0.875 of 224 = 196 px seen from 14; the band's inner edge at 22 leaves 8 px of band on each side.
        var r = AuditRegions.For(224, 224, 0.1, 0.15, new PixelRect(14, 14, 210, 210));
        Assert.Equal(1 - 180.0 * 180 / (196 * 196), r.BorderAreaShare, 12);
        Assert.Equal(20.0 * 20 / (196 * 196), r.PatchAreaShare, 12);
    }

    [Theory]
    [InlineData(0, 0.15)]
    [InlineData(0.5, 0.15)]
    [InlineData(0.1, 0)]
    [InlineData(0.1, 0.6)]
    public void FractionsOutOfRangeAreRefused(double border, double patch) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditRegions.For(64, 64, border, patch));
}
