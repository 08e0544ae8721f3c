using Pneumo.Explain;
using Pneumo.Imaging;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Explain;

/// <summary>The overlay keeps the X-ray readable: untouched where the map is low, coloured where it is high; a centre crop is outlined and explained.</summary>
public class HeatmapOverlayTests
{
    private const int Size = 120;

    /// <summary>A mid-grey image, and a map of 0 on the left half and 1 on the right half.</summary>
    private static (RgbImage, Heatmap) GreyWithHotRightHalf()
    {
        var image = new RgbImage(Size, Size, Enumerable.Repeat((byte)128, 3 * Size * Size).ToArray());
        var values = new float[Size * Size];
        for (int y = 0; y < Size; y++)
        for (int x = Size / 2; x < Size; x++) values[y * Size + x] = 1;
        return (image, new Heatmap(Size, Size, values));
    }

    [Fact]
    public void OpacityIsNoneWhereTheMapIsLowAndRisesToTheMaximum()
    {
        Assert.Equal(0f, HeatmapOverlay.Opacity(0));
        Assert.Equal(0f, HeatmapOverlay.Opacity(HeatmapOverlay.ClearBelow));
        Assert.Equal(HeatmapOverlay.MaxOpacity, HeatmapOverlay.Opacity(1), 6);
        Assert.True(HeatmapOverlay.Opacity(0.5f) < HeatmapOverlay.Opacity(0.8f));
    }

    [Fact]
    public void TheXrayIsUntouchedWhereTheMapIsLowAndColouredWhereItIsHigh()
    {
        var (image, map) = GreyWithHotRightHalf();
        using var overlay = HeatmapOverlay.Render(image, map);
        const int margin = 16;  // the image starts at the margin (no caption)
        Assert.Equal(new SKColor(128, 128, 128), overlay.GetPixel(margin + 10, margin + Size / 2));
        var hot = overlay.GetPixel(margin + Size - 10, margin + Size / 2);
        Assert.True(hot.Red > 160 && hot.Blue < 100, $"{hot}: not red");
    }

    [Fact]
    public void ACentreCropIsOutlinedAndExplained()
    {
        var (image, map) = GreyWithHotRightHalf();
        using var whole = HeatmapOverlay.Render(image, map);
        using var cropped = HeatmapOverlay.Render(image, map, centerCrop: 0.8);
        Assert.Equal(whole.Height + 20, cropped.Height);  // the line saying what the dashed box is
        const int margin = 16;
        int edge = margin + (int)Math.Round(Size * 0.1);  // the crop window's left side, where the map is 0
        var changed = Enumerable.Range(margin + 20, 80).Count(y => cropped.GetPixel(edge, y) != new SKColor(128, 128, 128));
        Assert.True(changed > 20, $"{changed} pixels of the box's left side drawn");
        Assert.Equal(new SKColor(128, 128, 128), whole.GetPixel(edge, margin + 40));
    }

    [Fact]
    public void ThePngHoldsTheRenderedPixelsExactly()
    {
        var (image, map) = GreyWithHotRightHalf();
        using var rendered = HeatmapOverlay.Render(image, map, new OverlayCaption("PNEUMONIA", "Grad-CAM"), centerCrop: 0.8);
        using var decoded = SKBitmap.Decode(HeatmapOverlay.RenderPng(image, map, new OverlayCaption("PNEUMONIA", "Grad-CAM"), centerCrop: 0.8));
        Assert.Equal((rendered.Width, rendered.Height), (decoded.Width, decoded.Height));
        for (int y = 0; y < rendered.Height; y++)
        for (int x = 0; x < rendered.Width; x++)
            Assert.Equal(rendered.GetPixel(x, y), decoded.GetPixel(x, y));
    }
}
