using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Data.Transforms;

public class AugmentationTests
{
    /// <summary>A square image whose three channels all hold <paramref name="value"/>(x, y).</summary>
    internal static RgbImage Image(int size, Func<int, int, byte> value)
    {
        var image = new RgbImage(size, size);
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            image[c, y, x] = value(x, y);
        return image;
    }

    private static int ArgMaxInRow(RgbImage image, int y) =>
        Enumerable.Range(0, image.Width).MaxBy(x => image[0, y, x]);

    [Fact]
    public void IdentityCopiesExactly()
    {
        var image = Image(7, (x, y) => (byte)(x * 30 + y));
        Assert.Equal(image.Pixels, AffineWarp.Apply(image, AffineMatrix.Identity).Pixels);
    }

    [Fact]
    public void FlipMirrorsColumnsExactly()
    {
        var image = Image(5, (x, y) => (byte)(x == 1 && y == 2 ? 255 : 0));
        var flipped = AffineWarp.Apply(image, RandomHorizontalFlip.Flip);
        Assert.Equal(255, flipped[0, 2, 3]);
        Assert.Equal(255, flipped[2, 2, 3]);
        Assert.Equal(0, flipped[0, 2, 1]);
        Assert.Equal(255, flipped.Pixels.Sum(p => p) / 3);
    }

    [Fact]
    public void ShearLeansAVerticalLineByTheAngle()
    {
        // A vertical line through the centre column of a 21x21 image. With Keras' shear matrix, output row y samples
        // x_in = x - sin(a) (y - 10), so the line appears at x = 10 + sin(a) (y - 10): 8 at the top, 12 at the bottom for a = 0.2.
        var image = Image(21, (x, y) => (byte)(x == 10 ? 240 : 0));
        var sheared = AffineWarp.Apply(image, RandomShear.ForAngle(0.2));
        Assert.Equal(10, ArgMaxInRow(sheared, 10));
        Assert.Equal(12, ArgMaxInRow(sheared, 20));
        Assert.Equal(8, ArgMaxInRow(sheared, 0));
    }

    [Fact]
    public void ZoomBelowOneEnlargesAndAboveOneShrinks_PerAxis()
    {
        // Horizontal ramp value = 10 x on a 21-wide image. A zoom factor z samples x_in = 10 + z (x - 10).
        var ramp = Image(21, (x, y) => (byte)(10 * x));
        var enlarged = AffineWarp.Apply(ramp, new AffineMatrix(0.5, 0, 0, 1));
        Assert.Equal(150, enlarged[0, 5, 20]);   // x_in = 15
        Assert.Equal(100, enlarged[0, 5, 10]);   // centre fixed
        Assert.Equal(125, enlarged[0, 5, 15]);   // x_in = 12.5: bilinear between 120 and 130
        // The vertical factor alone does not move a horizontal ramp.
        Assert.Equal(ramp.Pixels, AffineWarp.Apply(ramp, new AffineMatrix(1, 0, 0, 1.7)).Pixels);
    }

    [Fact]
    public void OutsideSamplesTakeTheNearestEdgeValue()
    {
        var ramp = Image(21, (x, y) => (byte)(10 * x));
        var shrunk = AffineWarp.Apply(ramp, new AffineMatrix(2, 0, 0, 1)); // x_in = 10 + 2 (x - 10): outside for x < 5 and x > 15
        Assert.Equal(0, shrunk[1, 3, 0]);
        Assert.Equal(0, shrunk[1, 3, 4]);
        Assert.Equal(200, shrunk[1, 3, 20]);
        Assert.Equal(200, shrunk[1, 3, 16]);
        Assert.Equal(120, shrunk[1, 3, 11]);
    }

    [Fact]
    public void GreyRowsTakeTheShortcutWithTheSameResultAsEachChannelWarpedAlone()
    {
        // Channel 1 equals channel 0 except on rows 5-6, channel 2 differs everywhere: rows of the colour image go the
        // three-channel way, rows of the grey images made from each channel the shortcut (one channel, copied).
        var random = new Random(7);
        var colour = new RgbImage(23, 23);
        random.NextBytes(colour.Pixels);
        colour.Pixels.AsSpan(0, colour.PlaneSize).CopyTo(colour.Pixels.AsSpan(colour.PlaneSize));
        for (int y = 5; y <= 6; y++) for (int x = 0; x < 23; x++) colour[1, y, x] ^= 0x5A;
        var shearZoomFlip = RandomShear.ForAngle(0.2).Then(new AffineMatrix(-0.9, 0, 0, 1.15));
        var warped = AffineWarp.Apply(colour, shearZoomFlip);
        for (int c = 0; c < 3; c++)
        {
            var grey = Image(23, (x, y) => colour[c, y, x]);
            var alone = AffineWarp.Apply(grey, shearZoomFlip);
            for (int k = 0; k < 3; k++)
                Assert.Equal(warped.Pixels.AsSpan(c * colour.PlaneSize, colour.PlaneSize).ToArray(), alone.Pixels.AsSpan(k * colour.PlaneSize, colour.PlaneSize).ToArray());
        }
    }

    [Fact]
    public void RandomParametersStayInTheirRanges()
    {
        var random = new Random(1);
        var shear = new RandomShear(0.2);
        var zoom = new RandomZoom(0.2);
        bool differentAxes = false;
        for (int i = 0; i < 2000; i++)
        {
            var s = shear.Sample(random);
            Assert.InRange(-s.B, -Math.Sin(0.2) - 1e-12, Math.Sin(0.2) + 1e-12);
            Assert.Equal(Math.Sqrt(1 - s.B * s.B), s.D, 9); // cos of the same angle
            var z = zoom.Sample(random);
            Assert.InRange(z.A, 0.8, 1.2);
            Assert.InRange(z.D, 0.8, 1.2);
            differentAxes |= Math.Abs(z.A - z.D) > 0.05;
        }
        Assert.True(differentAxes, "zoom factors should be drawn independently per axis");
    }

    [Fact]
    public void ShearUnitIsExplicit_DegreesAreKerasUnit()
    {
        Assert.Equal(0.2, new RandomShear(0.2).MaxRadians, 12);
        Assert.Equal(0.2 * Math.PI / 180, new RandomShear(0.2, AngleUnit.Degrees).MaxRadians, 12);
    }

    [Fact]
    public void FlipHappensAboutHalfTheTime()
    {
        var random = new Random(3);
        var flip = new RandomHorizontalFlip();
        int flips = Enumerable.Range(0, 4000).Count(_ => flip.Sample(random) == RandomHorizontalFlip.Flip);
        Assert.InRange(flips, 1800, 2200);
    }

    [Fact]
    public void SameSeedSameAugmentation_OtherSeedOther()
    {
        var image = Image(32, (x, y) => (byte)((x * 7 + y * 13) % 256));
        var augmentation = Augmentation.For(new AugmentationOptions());
        var a = augmentation.Apply(image, new Random(11)).Pixels;
        var b = augmentation.Apply(image, new Random(11)).Pixels;
        var c = augmentation.Apply(image, new Random(12)).Pixels;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void PaperPresetHasShearZoomFlip_OffHasNothing()
    {
        var steps = Augmentation.For(new AugmentationOptions()).Steps;
        Assert.Collection(steps, s => Assert.IsType<RandomShear>(s), s => Assert.IsType<RandomZoom>(s), s => Assert.IsType<RandomHorizontalFlip>(s));
        Assert.Empty(Augmentation.For(AugmentationOptions.Off).Steps);
    }
}

public class JpegAugmentationTests
{
    private static RgbImage Noise(int size, int seed)
    {
        var random = new Random(seed);
        return AugmentationTests.Image(size, (x, y) => (byte)Math.Clamp(128 + 60 * Math.Sin(x / 3.0) + random.Next(-40, 41), 0, 255));
    }

    [Fact]
    public void OffDrawsNothingSoEarlierRecipesDrawWhatTheyDid()
    {
        var options = new AugmentationOptions { Brightness = 0.3, EraseProbability = 0.5 };
        var before = Augmentation.For(options);
        var withJpegOff = Augmentation.For(options with { JpegProbability = 0 });
        Assert.Null(withJpegOff.Jpeg);
        for (int seed = 0; seed < 20; seed++)
        {
            AugmentationDraw a = before.Draw(new Random(seed)), b = withJpegOff.Draw(new Random(seed));
            Assert.Equal(a.Warp, b.Warp);
            Assert.Equal(a.Table, b.Table);
            Assert.Equal(a.Erased, b.Erased);
            Assert.Null(b.JpegQuality);
        }
    }

    [Fact]
    public void QualitiesStayInTheRangeAndTheProbabilityHolds()
    {
        var jpeg = new RandomJpeg(0.5, 20);
        var random = new Random(7);
        var draws = Enumerable.Range(0, 4000).Select(_ => jpeg.Sample(random)).ToList();
        var qualities = draws.OfType<int>().ToList();
        Assert.InRange(qualities.Count / 4000.0, 0.46, 0.54);
        Assert.All(qualities, q => Assert.InRange(q, 20, RandomJpeg.MaxQuality));
        Assert.Contains(20, qualities);
        Assert.Contains(95, qualities);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomJpeg(0.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomJpeg(1.5, 20));
    }

    [Fact]
    public void ADrawnQualityRecompressesLikeTheBatterysJpegMember()
    {
        var image = Noise(64, 3);
        var drawn = new RgbImage(64, 64);
        new AugmentationDraw(AffineMatrix.Identity, JpegQuality: 20).Apply(image, drawn.Pixels);
        var battery = new RgbImage(64, 64);
        AcquisitionPerturbation.Battery.Single(p => p.JpegQuality == 20).Apply(image, battery.Pixels);
        Assert.Equal(battery.Pixels, drawn.Pixels);
        Assert.NotEqual(image.Pixels, drawn.Pixels);
        double meanShift = Math.Abs(drawn.Pixels.Average(p => (double)p) - image.Pixels.Average(p => (double)p));
        Assert.True(meanShift < 3, $"mean moved by {meanShift}");
    }

    [Fact]
    public void TrainingConfigRefusesOutOfRangeJpegSettingsAndRecordsTheSplitSeed()
    {
        var config = new TrainingConfig { Augmentation = new AugmentationOptions { JpegProbability = 1.2 } };
        Assert.Contains("--jpeg", config.Validate());
        config = new TrainingConfig { Augmentation = new AugmentationOptions { JpegProbability = 0.5, JpegMinQuality = 0 } };
        Assert.Contains("--jpeg-min-quality", config.Validate());
        Assert.Equal(42, new TrainingConfig { Seed = 42 }.EffectiveSplitSeed);
        Assert.Equal(42, new TrainingConfig { Seed = 7, SplitSeed = 42 }.EffectiveSplitSeed);
    }
}
