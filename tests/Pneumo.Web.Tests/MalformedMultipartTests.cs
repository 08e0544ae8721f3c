using System.Text;
using System.Text.Json;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Bodies a client can send that are not well-formed multipart, or that exceed a form limit other than the upload
/// size: 400 or 413 with a message saying what is wrong, never 500; and the headers every answer carries.
/// </summary>
[Collection("service")]
public class MalformedMultipartTests(ServiceFixture service)
{
    private const string Boundary = "B0undary";
    private static readonly string MultipartType = $"multipart/form-data; boundary={Boundary}";

    private async Task<(int Status, string Error)> Post(string contentType, byte[] body, long? contentLength = -1)
    {
        var r = await RawHttp.PostAsync(service.Server.Address, "/api/predict", contentType, body, contentLength);
        var json = JsonDocument.Parse(r.Body).RootElement;
        Assert.Equal(r.Status, json.GetProperty("status").GetInt32());
        var error = json.GetProperty("error").GetString()!;
        Assert.DoesNotContain("\n", error);
        Assert.DoesNotContain("Exception", error);
        return (r.Status, error);
    }

    [Fact]
    public async Task TheIssuesReproABodyThatEndsEarlyIsA400()
    {
        var body = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpeg\"\r\n\r\nabc"u8.ToArray();
        var (status, error) = await Post("multipart/form-data; boundary=B", body);
        Assert.Equal(400, status);
        Assert.Contains("ended before the closing boundary", error);
    }

    [Fact]
    public async Task AMissingClosingBoundaryIsA400()
    {
        var (status, error) = await Post(MultipartType, RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg(), close: false));
        Assert.Equal(400, status);
        Assert.Contains("closing boundary", error);
    }

    [Fact]
    public async Task ABoundaryThatDoesNotMatchTheContentTypeIsA400()
    {
        var (status, error) = await Post("multipart/form-data; boundary=Other", RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg()));
        Assert.Equal(400, status);
        Assert.Contains("boundary", error);
    }

    [Fact]
    public async Task AContentLengthShorterThanTheBodyIsA400()
    {
        var body = RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg());
        var (status, error) = await Post(MultipartType, body, contentLength: body.Length / 2);
        Assert.Equal(400, status);
        Assert.Contains("Content-Length", error);
    }

    [Fact]
    public async Task AMissingBoundaryParameterIsA400()
    {
        var (status, error) = await Post("multipart/form-data", RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg()));
        Assert.Equal(400, status);
        Assert.Contains("boundary", error);
    }

    [Fact]
    public async Task AHugeFieldNameIsA413NamingThePartHeaderLimitNotTheUploadSize()
    {
        var (status, error) = await Post(MultipartType, RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg(), field: new string('f', 100_000)));
        Assert.Equal(413, status);
        Assert.DoesNotContain("20 MB", error);
        Assert.Matches(@"header.*\d+-byte limit", error);
    }

    [Fact]
    public async Task AHugeFileNameIsA413NamingThePartHeaderLimit()
    {
        var (status, error) = await Post(MultipartType, RawHttp.Multipart(Boundary, Uploads.SyntheticJpeg(), fileName: new string('n', 100_000) + ".jpeg"));
        Assert.Equal(413, status);
        Assert.DoesNotContain("20 MB", error);
        Assert.Matches(@"header.*\d+-byte limit", error);
    }

    [Fact]
    public async Task ALongBoundaryIsA413NamingTheBoundaryLimit()
    {
        var boundary = new string('b', 200);
        var (status, error) = await Post($"multipart/form-data; boundary={boundary}", RawHttp.Multipart(boundary, Uploads.SyntheticJpeg()));
        Assert.Equal(413, status);
        Assert.Contains("boundary is longer than the 128-character limit", error);
    }

    [Fact]
    public async Task TheFormLimitsAreClassifiedByWhatWasHit()
    {
        const string upload = "upload too large";
        Assert.Equal((ErrorCode.TooLarge, upload), FormErrors.Classify(new InvalidDataException("Multipart body length limit 20971520 exceeded."), upload));
        Assert.Equal(ErrorCode.TooLarge, FormErrors.Classify(new InvalidDataException("Multipart headers count limit 16 exceeded."), upload)!.Value.Code);
        Assert.Equal(ErrorCode.MalformedRequest, FormErrors.Classify(new IOException("Unexpected end of Stream, the content may have already been read by another component. "), upload)!.Value.Code);
        Assert.Null(FormErrors.Classify(new NullReferenceException(), upload));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ApiAnswersAreNeverStoredAndThePageAllowsOnlyItsOwnScript()
    {
        using var health = await service.Client.GetAsync("/health");
        Assert.Equal("no-store", health.Headers.CacheControl?.ToString());
        using var refused = await service.Client.PostAsync("/api/predict", Uploads.Form([], "x.jpeg"));
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());
        using var answered = await service.Client.PostAsync("/api/predict?explain=false", Uploads.Form(Uploads.SyntheticJpeg(), "x.jpeg"));
        Assert.Equal(System.Net.HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("no-store", answered.Headers.CacheControl?.ToString());

        using var page = await service.Client.GetAsync("/");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var scriptSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("unsafe-inline", scriptSrc);
        // The hash allowed is the hash of the script the page serves.
        var html = await page.Content.ReadAsStringAsync();
        var script = html[(html.IndexOf("<script>", StringComparison.Ordinal) + 8)..html.IndexOf("</script>", StringComparison.Ordinal)];
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        Assert.Equal($"script-src 'sha256-{hash}'", scriptSrc);
    }
}
