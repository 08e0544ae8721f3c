using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Xunit;

namespace Pneumo.Tests.Data.Transforms;

/// <summary>The fixed acquisition perturbations of the <c>perturbed</c> threshold rule: their intensities and their geometry.</summary>
public class AcquisitionPerturbationTests
{
    private static AcquisitionPerturbation Named(string name) => AcquisitionPerturbation.Battery.Single(p => p.Name == name);

    private static RgbImage Apply(AcquisitionPerturbation p, RgbImage image)
    {
        var target = new RgbImage(image.Width, image.Height);
        p.Apply(image, target.Pixels);
        return target;
    }

    /// <summary>A grey square of side <paramref name="side"/> (value 200) centred on a black <paramref name="size"/> image.</summary>
    private static RgbImage Square(int size, int side) =>
        AugmentationTests.Image(size, (x, y) => Math.Abs(x - (size - 1) / 2.0) < side / 2.0 && Math.Abs(y - (size - 1) / 2.0) < side / 2.0 ? (byte)200 : (byte)0);

    private static int WidthOfRow(RgbImage image, int y) => Enumerable.Range(0, image.Width).Count(x => image[0, y, x] >= 100);

    [Fact]
    public void TheBatteryStartsWithTheImageAsItIsAndNamesEachPerturbationOnce()
    {
        var battery = AcquisitionPerturbation.Battery;
        Assert.Equal("none", battery[0].Name);
        Assert.Equal(battery.Count, battery.Select(p => p.Name).Distinct().Count());
        var image = AugmentationTests.Image(32, (x, y) => (byte)(7 * x + 3 * y));
        Assert.Equal(image.Pixels, Apply(battery[0], image).Pixels);
        foreach (var p in battery.Skip(1))
            Assert.NotEqual(image.Pixels, Apply(p, image).Pixels);  // every other member changes the image
    }

    [Fact]
    public void GammaMovesMidGreyAndKeepsBlackAndWhite()
    {
        var levels = AugmentationTests.Image(3, (x, y) => x == 0 ? (byte)0 : x == 1 ? (byte)128 : (byte)255);
        var darker = Apply(Named("gamma-1.5"), levels);
        var lighter = Apply(Named("gamma-0.67"), levels);
        Assert.Equal(0, darker[0, 1, 0]);
        Assert.Equal(255, darker[0, 1, 2]);
        Assert.Equal(Math.Round(255 * Math.Pow(128 / 255.0, 1.5)), darker[0, 1, 1]);       // 91
        Assert.Equal(Math.Round(255 * Math.Pow(128 / 255.0, 1 / 1.5)), lighter[0, 1, 1]); // 161
    }

    [Fact]
    public void ContrastScalesTheSpreadAboutMidGrey()
    {
        var ramp = AugmentationTests.Image(64, (x, y) => (byte)(64 + 2 * x));  // 64..190, mean 127
        static double Sd(RgbImage im) { var v = im.Pixels.Select(b => (double)b).ToArray(); double m = v.Average(); return Math.Sqrt(v.Average(x => (x - m) * (x - m))); }
        double sd = Sd(ramp);
        Assert.Equal(0.75 * sd, Sd(Apply(Named("contrast-0.75"), ramp)), 0.02 * sd);
        Assert.Equal(1.25 * sd, Sd(Apply(Named("contrast-1.25"), ramp)), 0.02 * sd);
    }

    [Theory]
    [InlineData("zoom-out-0.9", 0.9)]
    [InlineData("zoom-in-1.1", 1.1)]
    public void ZoomScalesTheContentAboutTheCentre(string name, double factor)
    {
        var square = Square(101, 61);
        var zoomed = Apply(Named(name), square);
        Assert.Equal(61 * factor, WidthOfRow(zoomed, 50), 1.0);
        Assert.Equal(WidthOfRow(zoomed, 50), Enumerable.Range(0, 101).Count(y => zoomed[0, y, 50] >= 100));  // the same both ways
        Assert.Equal(200, zoomed[0, 50, 50]);  // the centre stays where it was
    }

    [Fact]
    public void JpegRecompressionChangesDetailButNotTheImageAndKeepsGreyGrey()
    {
        var random = new Random(5);
        var image = AugmentationTests.Image(64, (x, y) => (byte)Math.Clamp(60 + 2 * x + random.Next(-25, 26), 0, 255));
        var jpeg = Apply(Named("jpeg-20"), image);
        int plane = 64 * 64;
        Assert.Equal(jpeg.Pixels.AsSpan(0, plane).ToArray(), jpeg.Pixels.AsSpan(plane, plane).ToArray());
        Assert.Equal(jpeg.Pixels.AsSpan(0, plane).ToArray(), jpeg.Pixels.AsSpan(2 * plane, plane).ToArray());
        double meanAbs = image.Pixels.Zip(jpeg.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanAbs, 1, 15);  // the noise is smoothed away, the ramp stays
        Assert.Equal(image.Pixels.Average(b => b), jpeg.Pixels.Average(b => b), 2.0);
    }
}
