using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// DICOM through the real program with the shipped model: predict (files and folders, every output format), evaluate
/// on a folder of DICOM files, the refusals, privacy, and the one line without DICOM support.
/// </summary>
public class DicomTests
{
    private static void AssertNoPatientData(CliRunner.Result r)
    {
        foreach (var secret in DicomTestData.PatientStrings)
            Assert.DoesNotContain(secret, r.Stdout + r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, JsonElement> ByPath(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.Clone());

    [SlowFact]
    public void PredictGivesEveryCopyTheAnswerOfItsJpegOriginal()
    {
        var (root, dataset) = DicomTestData.RequireWithOriginals();
        var copies = Path.Combine(root, "test-copies");
        var originals = DicomTestData.Copies(root, DicomTestData.Variants[0]).Select(c => DicomTestData.Original(dataset, c.Class, c.Stem)).ToList();
        var r = CliRunner.Run(TestData.RepositoryRoot, ["predict", "--format", "json", copies, .. originals]);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertNoPatientData(r);
        var results = ByPath(r.Stdout);
        Assert.Equal(12 * DicomTestData.Variants.Length + 12, results.Count);
        double worst = 0;
        foreach (var variant in DicomTestData.Variants)
        foreach (var (cls, stem, path) in DicomTestData.Copies(root, variant))
        {
            var dicom = results[Path.Combine(copies, variant, cls, stem + ".dcm")];
            var jpeg = results[DicomTestData.Original(dataset, cls, stem)];
            Assert.Equal(jpeg.GetProperty("label").GetString(), dicom.GetProperty("label").GetString());
            worst = Math.Max(worst, Math.Abs(dicom.GetProperty("probability").GetDouble() - jpeg.GetProperty("probability").GetDouble()));
            var window = dicom.GetProperty("dicom").GetProperty("window");
            Assert.Equal(variant == "jpeg-baseline-8bit" ? "none" : "file", window.GetProperty("source").GetString());
            Assert.False(jpeg.TryGetProperty("dicom", out _));
        }
        Assert.True(worst <= 0.02, $"max |p_dicom - p_jpeg| = {worst:F4}");
    }

    [SkippableFact]
    public void PredictRefusesWhatIsNotARadiographOnOneLineEachAndScoresTheRest()
    {
        var root = DicomTestData.Require();
        var other = Path.Combine(root, "other");
        var r = CliRunner.Run(TestData.RepositoryRoot, "predict", "--format", "csv", other);
        Assert.Equal(2, r.ExitCode);
        AssertNoPatientData(r);
        var errors = r.ErrorLines;
        Assert.Equal(6, errors.Length);
        foreach (var (file, modality) in new[] { ("CT_small.dcm", "CT"), ("MR_small_RLE.dcm", "MR"), ("MR_small_bigendian.dcm", "MR"),
                                                 ("JPEG2000.dcm", "NM"), ("SC_rgb_jpeg_dcmtk.dcm", "OT"), ("MR_truncated.dcm", "MR") })
            Assert.Contains(errors, l => l.StartsWith($"error: {Path.Combine(other, file)}: DICOM modality {modality} is not a radiograph"));
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The small CR file is also below the minimum image side: it carries the small-image warning column.
        Assert.Equal("path,probability,label,warning,modality,window_source,window_center,window_width,decision", lines[0]);
        var row = Assert.Single(lines.Skip(1)).Split(',');
        Assert.Equal(new[] { Path.Combine(other, "CR1_6154.dcm"), "CR", "file", "1600", "2800" }, new[] { row[0], row[4], row[5], row[6], row[7] });
        Assert.Contains("pixels", row[3]);
        Assert.InRange(double.Parse(row[1], CultureInfo.InvariantCulture), 0, 1);
    }

    [SkippableFact]
    public void AnyModalityScoresTheOthersWithAWarningAndTheTruncatedFileIsAnError()
    {
        var root = DicomTestData.Require();
        var other = Path.Combine(root, "other");
        var r = CliRunner.Run(TestData.RepositoryRoot, "predict", "--any-modality", "--format", "json", other);
        Assert.Equal(2, r.ExitCode);
        AssertNoPatientData(r);
        var error = Assert.Single(r.ErrorLines, l => l.StartsWith("error: "));
        Assert.StartsWith($"error: {Path.Combine(other, "MR_truncated.dcm")}: truncated DICOM file", error);
        Assert.Contains(r.ErrorLines, l => l == $"warning: {Path.Combine(other, "CT_small.dcm")}: modality CT is not a radiograph; scored anyway");
        var results = ByPath(r.Stdout);
        Assert.Equal(6, results.Count);
        var colour = results[Path.Combine(other, "SC_rgb_jpeg_dcmtk.dcm")].GetProperty("dicom");
        Assert.Equal("none", colour.GetProperty("window").GetProperty("source").GetString());
        var ct = results[Path.Combine(other, "CT_small.dcm")].GetProperty("dicom");
        Assert.Equal("percentiles", ct.GetProperty("window").GetProperty("source").GetString());
        Assert.Equal("JPEG 2000", results[Path.Combine(other, "JPEG2000.dcm")].GetProperty("dicom").GetProperty("transfer_syntax").GetString());

        var text = CliRunner.Run(TestData.RepositoryRoot, "predict", Path.Combine(other, "CR1_6154.dcm"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.EndsWith("\twindow file 1600/2800", text.Stdout.Split('\n')[0]);
    }

    [SkippableFact]
    public void EvaluateReadsAFolderOfDicomFilesAndListsWhatItRefused()
    {
        var root = DicomTestData.Require();
        using var temp = new TempDir();
        var normal = Directory.CreateDirectory(temp.Combine("test", "NORMAL")).FullName;
        var pneumonia = Directory.CreateDirectory(temp.Combine("test", "PNEUMONIA")).FullName;
        foreach (var (cls, stem, path) in DicomTestData.Copies(root, "mono2-jpegls-lossless"))
            File.Copy(path, Path.Combine(cls == "NORMAL" ? normal : pneumonia, stem + ".dcm"));
        File.Copy(DicomTestData.Other(root, "CT_small.dcm"), Path.Combine(normal, "ct-without-extension"));
        File.Copy(DicomTestData.Other(root, "CR1_6154.dcm"), Path.Combine(pneumonia, "CR1_6154"));

        var r = CliRunner.Run(TestData.RepositoryRoot, "evaluate", "--data", temp.Path, "--out", temp.Combine("out"), "--bootstrap", "100");
        Assert.Equal(2, r.ExitCode); // an image was skipped
        AssertNoPatientData(r);
        var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("out", "metrics.json"))).RootElement;
        // The 16x16 CR file is read, but under the minimum side: listed apart, not in the metrics (issue 29, N11).
        Assert.Equal(12, metrics.GetProperty("n").GetInt32());
        var skipped = Assert.Single(metrics.GetProperty("skipped").EnumerateArray().ToList()).GetString()!;
        Assert.Contains("ct-without-extension: DICOM modality CT is not a radiograph", skipped);
        var flagged = Assert.Single(metrics.GetProperty("flagged").EnumerateArray().ToList()).GetString()!;
        Assert.Contains("CR1_6154: the image is only 16x16 pixels", flagged);
        var predictions = File.ReadAllLines(temp.Combine("out", "predictions.csv"));
        Assert.DoesNotContain(predictions, l => l.Contains("CR1_6154"));
        Assert.Equal(13, predictions.Length);
    }

    [SkippableFact]
    public void WithoutDicomSupportADicomFileGetsOneLineSayingWhatToInstall()
    {
        var data = TestData.RequireDataset();
        using var temp = new TempDir();
        var fake = new byte[256];
        "DICM"u8.CopyTo(fake.AsSpan(128));
        File.WriteAllBytes(temp.Combine("study.dcm"), fake);
        var jpeg = Directory.GetFiles(Path.Combine(data, "test", "NORMAL")).Order(StringComparer.Ordinal).First();
        var r = CliRunner.Run(TestData.RepositoryRoot, new Dictionary<string, string?> { ["PNEUMO_DICOM"] = "off" },
                              "predict", temp.Combine("study.dcm"), jpeg);
        Assert.Equal(2, r.ExitCode);
        var error = Assert.Single(r.ErrorLines);
        Assert.StartsWith($"error: {temp.Combine("study.dcm")}: reading DICOM needs GDCM's C# bindings: install Debian's libgdcm-cil", error);
        Assert.Contains(Path.GetFileName(jpeg), r.Stdout);
    }
}
