using System.Net;
using System.Text.Json;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>DICOM uploads: recognised by content, answered like their JPEG originals, refused with the right status when not a radiograph.</summary>
[Collection("service")]
public class DicomApiTests(ServiceFixture service)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> Post(HttpClient client, byte[] bytes, string name)
    {
        using var response = await client.PostAsync("/api/predict?explain=false", Uploads.Form(bytes, name, contentType: "application/octet-stream"));
        var text = await response.Content.ReadAsStringAsync();
        foreach (var secret in DicomTestData.PatientStrings) Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    [SkippableFact]
    public async Task EveryCopyIsAnsweredLikeItsJpegOriginal()
    {
        var (root, dataset) = DicomTestData.RequireWithOriginals();
        double worst = 0;
        foreach (var (cls, stem, _) in DicomTestData.Copies(root, DicomTestData.Variants[0]))
        {
            var (jpegStatus, jpeg, _) = await Post(service.Client, File.ReadAllBytes(DicomTestData.Original(dataset, cls, stem)), "x.jpeg");
            Assert.Equal(HttpStatusCode.OK, jpegStatus);
            foreach (var variant in DicomTestData.Variants)
            {
                // The name says nothing: the content is DICOM.
                var (status, body, text) = await Post(service.Client, File.ReadAllBytes(Path.Combine(root, "test-copies", variant, cls, stem + ".dcm")), "upload.bin");
                Assert.True(status == HttpStatusCode.OK, $"{variant}/{cls}/{stem}: {text}");
                Assert.Equal(jpeg.GetProperty("label").GetString(), body.GetProperty("label").GetString());
                worst = Math.Max(worst, Math.Abs(body.GetProperty("probability").GetDouble() - jpeg.GetProperty("probability").GetDouble()));
                Assert.Equal("dicom", body.GetProperty("image").GetProperty("format").GetString());
                Assert.Equal(224, body.GetProperty("image").GetProperty("width").GetInt32());
                Assert.Equal(variant == "jpeg-baseline-8bit" ? "none" : "file",
                             body.GetProperty("dicom").GetProperty("window").GetProperty("source").GetString());
            }
        }
        Assert.True(worst <= 0.02, $"max |p_dicom - p_jpeg| = {worst:F4}");
    }

    [SkippableFact]
    public async Task OtherModalitiesAre422AndTheTinyCrIsScored()
    {
        var root = DicomTestData.Require();
        var (status, body, _) = await Post(service.Client, File.ReadAllBytes(DicomTestData.Other(root, "CR1_6154.dcm")), "cr.dcm");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("file", body.GetProperty("dicom").GetProperty("window").GetProperty("source").GetString());
        foreach (var (file, modality) in new[] { ("CT_small.dcm", "CT"), ("MR_small_RLE.dcm", "MR"), ("MR_small_bigendian.dcm", "MR"),
                                                 ("JPEG2000.dcm", "NM"), ("SC_rgb_jpeg_dcmtk.dcm", "OT"), ("MR_truncated.dcm", "MR") })
        {
            var (s, b, _) = await Post(service.Client, File.ReadAllBytes(DicomTestData.Other(root, file)), file);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, s);
            Assert.StartsWith($"DICOM modality {modality} is not a radiograph", b.GetProperty("error").GetString());
            // Spoken to the page's users: what is analysed, and no command-line option.
            Assert.DoesNotContain("--", b.GetProperty("error").GetString());
            Assert.Contains("upload a chest X-ray", b.GetProperty("error").GetString());
        }
    }

    [SkippableFact]
    public async Task WithAnyModalityTheyAreScoredAndTheTruncatedFileIsA400()
    {
        var root = DicomTestData.Require();
        await using var server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [service.ModelDir], AnyModality = true,
        });
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        foreach (var file in new[] { "CT_small.dcm", "MR_small_RLE.dcm", "JPEG2000.dcm", "SC_rgb_jpeg_dcmtk.dcm" })
        {
            var (s, b, text) = await Post(client, File.ReadAllBytes(DicomTestData.Other(root, file)), file);
            Assert.True(s == HttpStatusCode.OK, $"{file}: {text}");
            Assert.Contains("scored anyway", b.GetProperty("dicom").GetProperty("warnings")[0].GetString());
        }
        var (status, body, _) = await Post(client, File.ReadAllBytes(DicomTestData.Other(root, "MR_truncated.dcm")), "mr.dcm");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("truncated DICOM file", body.GetProperty("error").GetString());
    }
}
