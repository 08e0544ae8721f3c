using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests;

/// <summary>The JSON API over HTTP on loopback: answers, limits and errors, and concurrent use.</summary>
[Collection("service")]
public class ApiTests(ServiceFixture service, ITestOutputHelper output)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpContent content, string path = "/api/predict")
    {
        using var response = await service.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertError(HttpStatusCode expected, string messagePart, (HttpStatusCode Status, JsonElement Body) r)
    {
        Assert.Equal(expected, r.Status);
        Assert.Equal((int)expected, r.Body.GetProperty("status").GetInt32());
        var message = r.Body.GetProperty("error").GetString()!;
        Assert.Contains(messagePart, message);
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("Exception", message);
    }

    [SkippableFact]
    public async Task ARealXrayGetsASensibleAnswer()
    {
        var path = Uploads.RealXray();
        Skip.If(path is null, "the chest X-ray dataset is not available: real-image test skipped");
        var (status, body) = await Post(Uploads.Form(File.ReadAllBytes(path!), "xray.jpeg"));
        Assert.Equal(HttpStatusCode.OK, status);

        double p = body.GetProperty("probability").GetDouble(), threshold = body.GetProperty("threshold").GetDouble();
        Assert.InRange(p, 0, 1);
        Assert.InRange(threshold, 0, 1);
        Assert.Equal(p >= threshold ? "PNEUMONIA" : "NORMAL", body.GetProperty("label").GetString());
        if (!body.GetProperty("referral").GetProperty("fitted").GetBoolean())  // the shipped SZANet has no referral rule: it decides
            Assert.Equal(body.GetProperty("label").GetString(), body.GetProperty("decision").GetString());
        var model = Assert.Single(body.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal(p, model.GetProperty("probability").GetDouble());
        Assert.Matches("^[0-9a-f]{12}$", model.GetProperty("version").GetString());
        Assert.Equal("szanet", model.GetProperty("architecture").GetString());
        Assert.Equal(body.GetProperty("label").GetString(), body.GetProperty("heatmap_explains").GetString());
        Assert.Contains("not a medical device", body.GetProperty("disclaimer").GetString());
        var image = body.GetProperty("image");
        Assert.Equal("jpeg", image.GetProperty("format").GetString());
        Assert.True(image.GetProperty("width").GetInt32() > 0);

        var dataUrl = body.GetProperty("heatmap_png").GetString()!;
        Assert.StartsWith("data:image/png;base64,", dataUrl);
        using var overlay = SKBitmap.Decode(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));
        Assert.True(overlay is { Width: > 448, Height: > 448 }, "the heatmap is not an overlay image");

        // Without the explanation, the same numbers and no image.
        var (_, bare) = await Post(Uploads.Form(File.ReadAllBytes(path!), "xray.jpeg"), "/api/predict?explain=false");
        Assert.Equal(p, bare.GetProperty("probability").GetDouble());
        Assert.False(bare.TryGetProperty("heatmap_png", out _));
    }

    /// <summary>A model whose referral rule refers the image: the answer is REFER, says why, and the heatmap explains the threshold's label.</summary>
    [Fact]
    public async Task AnUncertainImageIsReferred()
    {
        using var dir = new TempDir();
        await using var server = await Pneumo.Web.WebServer.StartAsync(new Pneumo.Web.WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [TinyModels.SaveReferring(dir.Combine("refers"))],
        });
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        using var response = await client.PostAsync("/api/predict", Uploads.Form(Uploads.SyntheticJpeg(), "xray.jpeg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("REFER", body.GetProperty("decision").GetString());
        var label = body.GetProperty("label").GetString();
        Assert.Contains(label, new[] { "NORMAL", "PNEUMONIA" });
        Assert.InRange(body.GetProperty("probability").GetDouble(), 0.3, 0.7);  // temperature 100: close to 0.5, inside the band
        Assert.True(body.GetProperty("calibrated").GetBoolean());
        Assert.Equal("default", body.GetProperty("threshold_method").GetString());
        Assert.StartsWith("0.5, a fixed rule", body.GetProperty("threshold_meaning").GetString());
        var referral = body.GetProperty("referral");
        Assert.True(referral.GetProperty("refer").GetBoolean());
        Assert.Equal("uncertain: refer to a radiologist", referral.GetProperty("message").GetString());
        Assert.Equal(0.95, referral.GetProperty("coverage").GetDouble());
        Assert.Equal(0.3, referral.GetProperty("normal_up_to").GetDouble(), 12);
        Assert.Equal(0.7, referral.GetProperty("pneumonia_from").GetDouble(), 12);
        Assert.StartsWith("neither label is plausible", referral.GetProperty("reason").GetString());
        Assert.Equal(label, body.GetProperty("heatmap_explains").GetString());  // the map explains the label, not "REFER"
    }

    [Fact]
    public async Task TheNameDoesNotMatterTheContentDoes()
    {
        // A JPEG called .txt is analysed; text called .jpeg is refused.
        var (status, _) = await Post(Uploads.Form(Uploads.SyntheticJpeg(), "notes.txt", contentType: "text/plain"));
        Assert.Equal(HttpStatusCode.OK, status);
        AssertError(HttpStatusCode.UnsupportedMediaType, "not a JPEG, PNG or DICOM image",
                    await Post(Uploads.Form("these are not pixels\n"u8.ToArray(), "xray.jpeg")));
        AssertError(HttpStatusCode.UnsupportedMediaType, "not a JPEG, PNG or DICOM image",
                    await Post(Uploads.Form([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0], "xray.gif", contentType: "image/gif")));
    }

    [Fact]
    public async Task AnEmptyUploadIsA400()
    {
        AssertError(HttpStatusCode.BadRequest, "empty", await Post(Uploads.Form([], "xray.jpeg")));
    }

    [Fact]
    public async Task AMissingFileFieldOrAnotherBodyIsRefused()
    {
        AssertError(HttpStatusCode.BadRequest, "field 'file'", await Post(Uploads.Form(Uploads.SyntheticJpeg(), "x.jpeg", field: "image")));
        AssertError(HttpStatusCode.UnsupportedMediaType, "multipart/form-data",
                    await Post(new ByteArrayContent(Uploads.SyntheticJpeg()) { Headers = { ContentType = new("image/jpeg") } }));
    }

    [Fact]
    public async Task AnOversizeUploadIsA413BeforeItIsRead()
    {
        var big = new byte[ServiceFixture.MaxUploadBytes + 1024];
        big[0] = 0xFF; big[1] = 0xD8; big[2] = 0xFF;  // looks like a JPEG: refused for its size, not its content
        AssertError(HttpStatusCode.RequestEntityTooLarge, "larger than the 20 MB limit", await Post(Uploads.Form(big, "big.jpeg")));
    }

    [Fact]
    public async Task AnOversizeUploadWithoutContentLengthIsA413Too()
    {
        var big = new byte[ServiceFixture.MaxUploadBytes + 1024];
        big[0] = 0xFF; big[1] = 0xD8; big[2] = 0xFF;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = Uploads.Form(big, "big.jpeg") };
        request.Headers.TransferEncodingChunked = true;
        using var response = await service.Client.SendAsync(request);
        AssertError(HttpStatusCode.RequestEntityTooLarge, "larger than the 20 MB limit",
                    (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone()));
    }

    [Fact]
    public async Task HugeDimensionsAreRefusedFromTheHeaderWithoutDecoding()
    {
        var bomb = Uploads.HugePng(30_000);  // 900 megapixels in a few hundred bytes
        Assert.True(bomb.Length < 1000);
        var clock = Stopwatch.StartNew();
        var r = await Post(Uploads.Form(bomb, "bomb.png", contentType: "image/png"));
        AssertError(HttpStatusCode.RequestEntityTooLarge, "30000x30000 pixels", r);
        Assert.Contains("megapixel limit", r.Body.GetProperty("error").GetString());
        Assert.True(clock.ElapsedMilliseconds < 5000, $"took {clock.ElapsedMilliseconds} ms: was it decoded?");
    }

    [Fact]
    public async Task ATruncatedImageIsA400NamingTheProblem()
    {
        var jpeg = Uploads.SyntheticJpeg();
        AssertError(HttpStatusCode.BadRequest, "truncated", await Post(Uploads.Form(jpeg[..(jpeg.Length / 2)], "cut.jpeg")));
    }

    [Fact]
    public async Task FiftyConcurrentRequestsAllSucceedWithTheSameAnswer()
    {
        var bytes = Uploads.RealXray() is { } path ? File.ReadAllBytes(path) : Uploads.SyntheticJpeg();
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Post(Uploads.Form(bytes, "xray.jpeg"))));
        output.WriteLine($"50 concurrent requests in {clock.ElapsedMilliseconds} ms");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var probabilities = responses.Select(r => r.Body.GetProperty("probability").GetDouble()).Distinct().ToList();
        Assert.Single(probabilities);
        Assert.Single(responses.Select(r => r.Body.GetProperty("heatmap_png").GetString()).Distinct());
    }

    [Fact]
    public async Task HealthReportsTheModelsAndLimits()
    {
        using var response = await service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(ServiceFixture.MaxUploadBytes, body.GetProperty("max_upload_bytes").GetInt64());
        var model = Assert.Single(body.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal(Path.GetFileName(service.ModelDir), model.GetProperty("name").GetString());
        Assert.Equal("onnx", model.GetProperty("engine").GetString());  // the default engine: ONNX Runtime, concurrent
        Assert.DoesNotContain(service.ModelDir, body.ToString());  // no server paths
    }

    [Fact]
    public async Task ThePageIsSelfContainedAndSaysItIsNotAMedicalDevice()
    {
        using var response = await service.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("not a medical device", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);  // nothing from other sites
        // the file picker offers what the service reads: the registry's formats
        Assert.Contains($"accept=\"{Pneumo.Imaging.ImageFormats.AcceptList}\"", html);
        Assert.DoesNotContain("{{", html);
        using var missing = await service.Client.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/predict", HttpStatusCode.MethodNotAllowed, "method_not_allowed", "GET is not allowed on /api/predict")]
    [InlineData("GET", "/nothing-here", HttpStatusCode.NotFound, "unknown_path", "/nothing-here")]
    [InlineData("POST", "/api/nothing", HttpStatusCode.NotFound, "unknown_path", "POST /api/predict")]
    public async Task RoutingErrorsAreJsonLikeEveryOtherError(string method, string path, HttpStatusCode status, string code, string messagePart)
    {
        using var response = await service.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        AssertError(status, messagePart, (response.StatusCode, body));
        Assert.Equal(code, body.GetProperty("code").GetString());
    }
}
