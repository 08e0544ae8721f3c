using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Data.Transforms;

/// <summary>The transforms that break shortcuts: random resized crop, intensity jitter, random erasing.</summary>
public class ShortcutAugmentationTests
{
    private static RgbImage Image(int size, Func<int, int, byte> value) => AugmentationTests.Image(size, value);

    [Fact]
    public void TranslationMovesContentByAFractionOfTheSize()
    {
        // Ramp 10 x on 21 pixels; Tx = 0.25 samples x_in = x + 0.25 x 21 = x + 5.25.
        var ramp = Image(21, (x, y) => (byte)(10 * x));
        var moved = AffineWarp.Apply(ramp, new AffineMatrix(1, 0, 0, 1, 0.25, 0));
        Assert.Equal(53, moved[0, 3, 0]);    // x_in = 5.25: 52.5 rounded by the fixed-point blend
        Assert.Equal(153, moved[0, 3, 10]);  // x_in = 15.25
        Assert.Equal(200, moved[0, 3, 18]);  // beyond the edge: nearest edge value
    }

    [Fact]
    public void ThenComposesTranslationsThroughTheLinearPart()
    {
        var crop = new AffineMatrix(0.5, 0, 0, 0.5, 0.2, -0.1);
        var flip = RandomHorizontalFlip.Flip;
        // Output point first flipped, then mapped by the crop: translation stays the crop's; the flip's linear part joins.
        var m = crop.Then(flip);
        Assert.Equal(new AffineMatrix(-0.5, 0, 0, 0.5, 0.2, -0.1), m);
        // A translated inner map is carried through the outer linear part: A (ti) + t.
        var n = new AffineMatrix(2, 0, 0, 3).Then(new AffineMatrix(1, 0, 0, 1, 0.1, 0.1));
        Assert.Equal(0.2, n.Tx, 12);
        Assert.Equal(0.3, n.Ty, 12);
    }

    [Fact]
    public void RandomResizedCropStaysInsideTheImageWithAreaAndRatioInRange()
    {
        var crop = new RandomResizedCrop(0.5);
        var random = new Random(4);
        int smallCrops = 0;
        for (int i = 0; i < 5000; i++)
        {
            var m = crop.Sample(random);
            Assert.Equal(0, m.B);
            Assert.Equal(0, m.C);
            double area = m.A * m.D;
            Assert.InRange(area, 0.5 - 1e-9, 1 + 1e-9);
            Assert.InRange(m.A / m.D, 3.0 / 4 - 1e-9, 4.0 / 3 + 1e-9);
            // The crop's edges, in fractions of the size from the centre, stay within [-1/2, 1/2].
            Assert.InRange(m.Tx - m.A / 2, -0.5 - 1e-9, 0.5);
            Assert.InRange(m.Tx + m.A / 2, -0.5, 0.5 + 1e-9);
            Assert.InRange(m.Ty - m.D / 2, -0.5 - 1e-9, 0.5);
            Assert.InRange(m.Ty + m.D / 2, -0.5, 0.5 + 1e-9);
            if (area < 0.6) smallCrops++;
        }
        Assert.InRange(smallCrops, 600, 1400); // area uniform in [0.5, 1] (fewer near 1, where some draws do not fit)
    }

    [Fact]
    public void CropOfTheTopLeftQuarterShowsOnlyThatQuarter()
    {
        // A quarter-area crop (half the width and height) placed in the top-left corner: centre offset -1/4, -1/4.
        var image = Image(40, (x, y) => (byte)(x < 20 && y < 20 ? 200 : 10));
        var warped = AffineWarp.Apply(image, new AffineMatrix(0.5, 0, 0, 0.5, -0.25, -0.25));
        int bright = 0;
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) if (warped[0, y, x] == 200) bright++;
        Assert.True(bright >= 39 * 39 - 1, $"{bright} of 1600 pixels show the top-left quarter");
    }

    [Fact]
    public void JitterTableIsIdentityWithoutJitterAndMonotone()
    {
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), PixelJitter.Table(1, 1, 1));
        var random = new Random(2);
        var jitter = new PixelJitter(0.3, 0.3, 0.25);
        for (int i = 0; i < 200; i++)
        {
            var t = jitter.Sample(random);
            for (int v = 1; v < 256; v++) Assert.True(t[v] >= t[v - 1], "an intensity table must not reverse the grey levels");
        }
    }

    [Fact]
    public void JitterKnownValues()
    {
        // Gamma 2 maps 0.5 to 0.25; brightness 1.2 scales; contrast 2 doubles the distance from mid-grey.
        Assert.Equal(64, PixelJitter.Table(2, 1, 1)[128]);    // (128/255)^2 = 0.252 -> 64
        Assert.Equal(154, PixelJitter.Table(1, 1.2, 1)[128]); // 0.502 x 1.2 = 0.602 -> 154
        Assert.Equal(255, PixelJitter.Table(1, 1, 2)[255]);
        Assert.Equal(0, PixelJitter.Table(1, 1, 2)[60]);      // (0.235 - 0.5) x 2 + 0.5 < 0
        Assert.Equal(128, PixelJitter.Table(1, 1, 2)[128]);  // 0.5039 x 255 = 128.5, rounded to even
    }

    [Fact]
    public void JitterStatisticsCoverTheRange()
    {
        var random = new Random(9);
        var jitter = new PixelJitter(0.3, 0, 0);
        var mids = Enumerable.Range(0, 2000).Select(_ => (int)jitter.Sample(random)[100]).ToList();
        Assert.InRange(mids.Min(), 70, 75);    // 100 x 0.7
        Assert.InRange(mids.Max(), 125, 130);  // 100 x 1.3
        Assert.InRange(mids.Average(), 97, 103);
    }

    [Fact]
    public void ErasingHappensAtItsRateWithAreaInRangeAndReachesTheCorners()
    {
        var erasing = new RandomErasing(0.5);
        var random = new Random(6);
        int erased = 0, topLeft = 0, topRight = 0;
        for (int i = 0; i < 4000; i++)
        {
            if (erasing.Sample(random) is not { } r) continue;
            erased++;
            Assert.InRange(r.Width * r.Height, 0.02 - 1e-9, 0.2 + 1e-9);
            Assert.InRange(r.X, 0, 1 - r.Width);
            Assert.InRange(r.Y, 0, 1 - r.Height);
            if (r.X < 0.1 && r.Y < 0.1) topLeft++;
            if (r.X + r.Width > 0.9 && r.Y < 0.1) topRight++;
        }
        Assert.InRange(erased, 1800, 2200);
        Assert.True(topLeft > 20 && topRight > 20, $"corners covered {topLeft} and {topRight} times");
    }

    [Fact]
    public void ErasedRegionFillsExactlyItsRectangleInEveryChannel()
    {
        var pixels = new byte[3 * 10 * 10];
        new ErasedRegion(0.2, 0.3, 0.4, 0.2, 77).Apply(pixels, 10);
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
            Assert.Equal(x is >= 2 and < 6 && y is >= 3 and < 5 ? 77 : 0, pixels[c * 100 + y * 10 + x]);
    }

    [Fact]
    public void OptionsBuildTheirTransforms_OffOptionsDrawWhatThePaperDraws()
    {
        var options = new AugmentationOptions(Zoom: 0) { CropMinArea = 0.5, Brightness = 0.3, Contrast = 0.3, Gamma = 0.25, EraseProbability = 0.5 };
        var a = Augmentation.For(options);
        Assert.IsType<RandomResizedCrop>(a.Steps[0]);
        Assert.NotNull(a.Jitter);
        Assert.NotNull(a.Erasing);
        // With the new options off, the draw consumes the same numbers as before they existed: old runs resume identically.
        var paper = Augmentation.For(new AugmentationOptions());
        var r1 = new Random(5);
        var r2 = new Random(5);
        Assert.Equal(paper.Sample(r1), paper.Draw(r2).Warp);
        Assert.Equal(r1.Next(), r2.Next());
    }

    [Fact]
    public void SameSeedSameFullAugmentation()
    {
        var image = Image(32, (x, y) => (byte)((x * 7 + y * 13) % 256));
        var a = Augmentation.For(new AugmentationOptions { CropMinArea = 0.5, Brightness = 0.3, Gamma = 0.2, EraseProbability = 1 });
        Assert.Equal(a.Apply(image, new Random(3)).Pixels, a.Apply(image, new Random(3)).Pixels);
        Assert.NotEqual(a.Apply(image, new Random(3)).Pixels, a.Apply(image, new Random(4)).Pixels);
    }
}
