using System.Text.Json;
using Pneumo.Imaging.Dicom;
using Pneumo.Evaluation.Metrics;
using Pneumo.Imaging;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Errors carry a typed code and the service maps the code to its status in one table: every code has its status,
/// the library's exceptions carry the right codes, and an error's JSON names its code.
/// </summary>
[Collection("service")]
public class ErrorStatusTests(ServiceFixture service)
{
    public static TheoryData<ErrorCode, int> Table => new()
    {
        { ErrorCode.InvalidInput, 400 },
        { ErrorCode.NotFound, 400 },
        { ErrorCode.CorruptImage, 400 },
        { ErrorCode.MalformedRequest, 400 },
        { ErrorCode.Unauthorized, 401 },
        { ErrorCode.TooLarge, 413 },
        { ErrorCode.UnsupportedFormat, 415 },
        { ErrorCode.UnsupportedEncoding, 415 },
        { ErrorCode.UnsupportedModality, 422 },
        { ErrorCode.NonFiniteScore, 422 },
        { ErrorCode.Internal, 500 },
        { ErrorCode.UnknownPath, 404 },
        { ErrorCode.MethodNotAllowed, 405 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void EachCodeMapsToItsStatus(ErrorCode code, int status) => Assert.Equal(status, ErrorStatus.Of(code));

    [Fact]
    public void EveryCodeIsInTheTable() =>
        Assert.Equal(Enum.GetValues<ErrorCode>().Order(), Table.Select(row => (ErrorCode)row[0]).Order());

    [Theory]
    [InlineData(DicomProblem.Modality, ErrorCode.UnsupportedModality)]
    [InlineData(DicomProblem.Unsupported, ErrorCode.UnsupportedEncoding)]
    [InlineData(DicomProblem.NotInstalled, ErrorCode.UnsupportedEncoding)]
    [InlineData(DicomProblem.Corrupt, ErrorCode.CorruptImage)]
    public void ADicomProblemCarriesItsCode(DicomProblem problem, ErrorCode code) =>
        Assert.Equal(code, new DicomException(problem, "x.dcm: refused").Code);

    [Fact]
    public void TheLibrarysRefusalsCarryTheirCodes()
    {
        using var dir = new TempDir();
        Assert.Equal(ErrorCode.InvalidInput, new UserError("--epochs must be at least 1").Code);
        Assert.Equal(ErrorCode.NonFiniteScore, new NonFiniteScoresException("model x gave NaN").Code);
        Assert.Equal(ErrorCode.NotFound, Assert.Throws<DataException>(() => ImageDecoder.ReadFile(dir.Combine("missing.png"))).Code);
        var big = dir.Combine("big.png");
        File.WriteAllBytes(big, new byte[2048]);
        Assert.Equal(ErrorCode.TooLarge, Assert.Throws<DataException>(() => ImageDecoder.ReadFile(big, 1024)).Code);
        Assert.Equal(ErrorCode.CorruptImage, Assert.Throws<DataException>(() => new ImageDecoder(32).Decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "cut.jpeg")).Code);
        Assert.Equal(ErrorCode.TooLarge,
                     Assert.Throws<DataException>(() => new ImageDecoder(32) { MaxPixels = 100 }.Decode(Uploads.SyntheticJpeg(20, 20), "big.jpeg")).Code);
    }

    [Fact]
    public async Task AnErrorNamesItsCodeAndTheStatusFollowsFromIt()
    {
        using var form = Uploads.Form("GIF89a not an x-ray"u8.ToArray(), "x.jpeg");
        using var response = await service.Client.PostAsync("/api/predict", form);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("unsupported_format", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(415, body.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>A damaged model's NaN is refused by its code (422, <c>non_finite_score</c>), never a label and never by its text.</summary>
    [Fact]
    public async Task ANonFiniteProbabilityIs422WithItsCode()
    {
        using var dir = new TempDir();
        ServiceFixture.SaveUntrainedSzaNet(dir.Combine("nan"), nanWeights: true);
        await using var server = await WebServer.StartAsync(new WebServerOptions { Urls = "http://127.0.0.1:0", ModelDirectories = [dir.Combine("nan")] });
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        using var form = Uploads.Form(Uploads.SyntheticJpeg(), "x.jpeg");
        using var response = await client.PostAsync("/api/predict?explain=false", form);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal("non_finite_score", body.RootElement.GetProperty("code").GetString());
        Assert.StartsWith("no diagnosis: model nan gave a non-finite probability", body.RootElement.GetProperty("error").GetString());
    }
}
