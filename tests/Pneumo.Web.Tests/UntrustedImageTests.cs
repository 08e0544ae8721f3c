using System.Net;
using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29 over HTTP: a valid but very wide image is scored with its heatmap (no 500); damaged JPEGs (a scan cut short
/// but closed, a frame header larger than its data, a file cut in the middle) are refused, never scored; a blank image
/// and an image under the minimum size are scored with a warning in the answer.
/// </summary>
[Collection("service")]
public class UntrustedImageTests(ServiceFixture service)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(byte[] content, string fileName, string query = "")
    {
        using var response = await service.Client.PostAsync("/api/predict" + query, Uploads.Form(content, fileName));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Theory]
    [InlineData(2000, 20)]
    [InlineData(20, 2000)]
    public async Task AVeryWideOrTallImageIsScoredWithItsHeatmap(int width, int height)
    {
        var (status, body) = await Post(DamagedImages.GreyPng(width, height), "wide.png");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var dataUrl = body.GetProperty("heatmap_png").GetString()!;
        using var overlay = SKBitmap.Decode(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));
        Assert.NotNull(overlay);
        Assert.InRange(body.GetProperty("probability").GetDouble(), 0, 1);
    }

    public static TheoryData<string, byte[]> DamagedJpegs => new()
    {
        { "scan cut, closed with EOI", DamagedImages.ScanCutWithEoi(DamagedImages.Jpeg()) },
        { "frame header 2000x2000 over 224x224 data", DamagedImages.FrameHeaderLie(DamagedImages.Jpeg(), 2000, 2000) },
        { "file cut at 60% (scaled decode)", DamagedImages.Cut(DamagedImages.Jpeg(1600, 1200)) },
    };

    [Theory]
    [MemberData(nameof(DamagedJpegs))]
    public async Task ADamagedJpegIsRefusedNotScored(string what, byte[] jpeg)
    {
        var (status, body) = await Post(jpeg, "damaged.jpeg", "?explain=false");
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {body}");
        Assert.Contains("truncated", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("probability", out _), what);
    }

    [Theory]
    [InlineData(SKJpegEncoderDownsample.Downsample420, 224, 224)]
    [InlineData(SKJpegEncoderDownsample.Downsample422, 301, 157)]
    [InlineData(SKJpegEncoderDownsample.Downsample444, 97, 410)]
    public async Task EveryChromaLayoutIsScoredWholeAndRefusedCut(SKJpegEncoderDownsample downsample, int width, int height)
    {
        var jpeg = DamagedImages.Jpeg(width, height, downsample);
        var (status, body) = await Post(jpeg, "whole.jpeg", "?explain=false");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        (status, body) = await Post(DamagedImages.ScanCutWithEoi(jpeg, keep: 0.9), "cut.jpeg", "?explain=false");
        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Contains("truncated", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ABlankImageIsScoredWithAWarning()
    {
        var (status, body) = await Post(DamagedImages.GreyPng(500, 500, value: 0), "blank.png", "?explain=false");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("blank or constant", body.GetProperty("warning").GetString());
    }

    [Fact]
    public async Task AnImageUnderTheMinimumSizeIsScoredWithAWarning()
    {
        var (status, body) = await Post(Uploads.SyntheticJpeg(40, 30), "small.jpeg", "?explain=false");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("only 40x30 pixels", body.GetProperty("warning").GetString());
    }

    [Fact]
    public async Task AnOrdinaryImageHasNoWarning()
    {
        var (status, body) = await Post(Uploads.SyntheticJpeg(), "ok.jpeg", "?explain=false");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(!body.TryGetProperty("warning", out var w) || w.ValueKind == JsonValueKind.Null, body.ToString());
    }
}
