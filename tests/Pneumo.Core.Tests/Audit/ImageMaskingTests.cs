using Pneumo.Audit;
using Pneumo.Imaging;
using Xunit;

namespace Pneumo.Tests.Audit;

public class ImageMaskingTests
{
    private static RgbImage Ramp(int size)
    {
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            image[0, y, x] = (byte)(y * size + x);       // 0..99, median (lower middle) 49
            image[1, y, x] = (byte)(200 - y * size - x); // 101..200, median 150
            image[2, y, x] = 7;
        }
        return image;
    }

    [Fact]
    public void TheFillIsEachChannelsMedian() => Assert.Equal(new byte[] { 49, 150, 7 }, ImageMasking.MedianGrey(Ramp(10)));

    [Fact]
    public void MaskingTheBorderFillsExactlyTheBandAndLeavesTheOriginalAlone()
    {
        var image = Ramp(10);
        var before = (byte[])image.Pixels.Clone();
        var regions = AuditRegions.For(10, 10, 0.2, 0.2);  // a 2-pixel band: 64 pixels
        var fill = new byte[] { 250, 251, 252 };
        var masked = ImageMasking.MaskBorder(image, regions, fill);
        Assert.Equal(before, image.Pixels);
        int filled = 0;
        for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
        {
            bool band = x < 2 || y < 2 || x >= 8 || y >= 8;
            if (band) filled++;
            for (int c = 0; c < 3; c++)
                Assert.Equal(band ? fill[c] : image[c, y, x], masked[c, y, x]);
        }
        Assert.Equal(64, filled);
    }

    [Fact]
    public void MaskingTheTopRightPatchTouchesOnlyIt()
    {
        var image = Ramp(10);
        var regions = AuditRegions.For(10, 10, 0.1, 0.3);  // 3-pixel patches: x 7..9, y 0..2
        var masked = ImageMasking.MaskRectangle(image, regions, regions.TopRight, [1, 2, 3]);
        int changed = 0;
        for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
        {
            bool inside = x >= 7 && y < 3;
            if (masked[0, y, x] != image[0, y, x]) changed++;
            Assert.Equal(inside ? (byte)1 : image[0, y, x], masked[0, y, x]);
            Assert.Equal(inside ? (byte)3 : image[2, y, x], masked[2, y, x]);
        }
        Assert.Equal(9, changed);
    }
}
