using System.Text.Json;
using Pneumo.Data;
using Pneumo.Imaging.Dicom;
using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Inference;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Imaging.Dicom;

/// <summary>
/// The DICOM corpus (../shared/data/dicom) through GDCM: every encoding of the test copies, the outcome its README gives
/// each file of other/, and the shipped model's answers against the JPEG originals. Skipped without libgdcm-cil or the data.
/// </summary>
public class DicomReaderTests(ITestOutputHelper output)
{
    private static DicomImage Read(string path, bool anyModality = false) =>
        DicomReader.Read(File.ReadAllBytes(path), path, new DicomOptions { AnyModality = anyModality });

    [SkippableFact]
    public void EveryEncodingOfTheCopiesGivesTheSamePicture()
    {
        var root = DicomTestData.Require();
        foreach (var (cls, stem, reference) in DicomTestData.Copies(root, "mono2-explicit-le"))
        {
            var expected = Read(reference);
            Assert.Equal((224, 224, 1), (expected.Width, expected.Height, expected.Channels));
            Assert.Equal(new DicomWindow("file", 2048, 4096, "LINEAR"), expected.Info.Window);
            Assert.Equal("CR", expected.Info.Modality);
            foreach (var variant in DicomTestData.Variants.Skip(1))
            {
                var image = Read(Path.Combine(root, "test-copies", variant, cls, stem + ".dcm"));
                var grey = image.Channels == 1 ? image.Pixels : image.Pixels.Where((_, i) => i % 3 == 0).ToArray();
                int worst = grey.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max();
                // Lossless encodings are exact; the 8-bit JPEG baseline copy is within JPEG's own error.
                if (variant == "jpeg-baseline-8bit")
                {
                    Assert.True(worst <= 40, $"{variant}/{cls}/{stem}: differs by up to {worst}");
                    Assert.True(grey.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Average() < 2, $"{variant}/{cls}/{stem}: mean difference too large");
                }
                else Assert.True(worst == 0, $"{variant}/{cls}/{stem}: differs by up to {worst} from mono2-explicit-le");
            }
        }
    }

    [SkippableFact]
    public void DeflatedJpegExtendedAndJpegLosslessProcess14AreReadToo()
    {
        // Encodings the corpus lacks, made with DCMTK from one copy when DCMTK is installed (apt-get install -y dcmtk).
        var root = DicomTestData.Require();
        Skip.IfNot(File.Exists("/usr/bin/dcmconv") && File.Exists("/usr/bin/dcmcjpeg"), "DCMTK is not installed: test skipped");
        var source = DicomTestData.Copies(root, "mono2-explicit-le").First().Path;
        var expected = Read(source).Pixels;
        using var temp = new TempDir();
        foreach (var (tool, option, syntax, lossless) in new[] { ("dcmconv", "+td", "Deflated Explicit VR Little Endian", true),
                                                                  ("dcmcjpeg", "+el", "JPEG Lossless", true),
                                                                  ("dcmcjpeg", "+ee", "JPEG Extended", false) })
        {
            var target = temp.Combine(option.TrimStart('+') + ".dcm");
            using (var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo($"/usr/bin/{tool}", [option, source, target])
                   { RedirectStandardError = true, RedirectStandardOutput = true })!)
            {
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"{tool} {option} failed");
            }
            var image = Read(target);
            Assert.Equal(syntax, image.Info.TransferSyntax);
            int worst = image.Pixels.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(lossless ? worst == 0 : worst <= 24, $"{syntax}: differs by up to {worst}");
        }
    }

    [SkippableFact]
    public void TheOtherFilesGetTheOutcomesTheirReadmeGives()
    {
        var root = DicomTestData.Require();
        var cr = Read(DicomTestData.Other(root, "CR1_6154.dcm"));
        Assert.Equal((16, 16, "CR", "file"), (cr.Width, cr.Height, cr.Info.Modality, cr.Info.Window.Source));
        Assert.Equal("MONOCHROME1", cr.Info.Photometric);

        foreach (var (file, modality) in new[] { ("CT_small.dcm", "CT"), ("MR_small_RLE.dcm", "MR"), ("MR_small_bigendian.dcm", "MR"),
                                                 ("JPEG2000.dcm", "NM"), ("SC_rgb_jpeg_dcmtk.dcm", "OT"), ("MR_truncated.dcm", "MR") })
        {
            var path = DicomTestData.Other(root, file);
            var e = Assert.Throws<DicomException>(() => Read(path));
            Assert.Equal(DicomProblem.Modality, e.Problem);
            Assert.StartsWith(path + ": DICOM modality " + modality + " is not a radiograph", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        // Asked to, the other modalities are decoded: RLE and big endian give the same MR image.
        var rle = Read(DicomTestData.Other(root, "MR_small_RLE.dcm"), anyModality: true);
        var bigEndian = Read(DicomTestData.Other(root, "MR_small_bigendian.dcm"), anyModality: true);
        Assert.Equal(rle.Pixels, bigEndian.Pixels);
        Assert.Contains("modality MR is not a radiograph; scored anyway", rle.Info.Warnings);
        var ct = Read(DicomTestData.Other(root, "CT_small.dcm"), anyModality: true);
        Assert.Equal("percentiles", ct.Info.Window.Source);
        var j2k = Read(DicomTestData.Other(root, "JPEG2000.dcm"), anyModality: true);
        Assert.Equal((256, 1024, "JPEG 2000"), (j2k.Width, j2k.Height, j2k.Info.TransferSyntax));
        Assert.True(j2k.Pixels.Distinct().Count() > 16, "JPEG 2000 decoded to a flat image");
        var colour = Read(DicomTestData.Other(root, "SC_rgb_jpeg_dcmtk.dcm"), anyModality: true);
        Assert.Equal(3, colour.Channels);
        // Its top rows are red (stored as YBR_FULL 76/85/255): converted to RGB, not shown as Y, Cb, Cr.
        Assert.True(colour.Pixels[0] > 240 && colour.Pixels[1] < 16 && colour.Pixels[2] < 16,
                    $"first pixel {colour.Pixels[0]}/{colour.Pixels[1]}/{colour.Pixels[2]} is not red");

        var truncated = DicomTestData.Other(root, "MR_truncated.dcm");
        var t = Assert.Throws<DicomException>(() => Read(truncated, anyModality: true));
        Assert.Equal(DicomProblem.Corrupt, t.Problem);
        Assert.StartsWith(truncated + ": truncated DICOM file", t.Message);
    }

    [SkippableFact]
    public void NoPatientAttributeReachesTheResults()
    {
        var root = DicomTestData.Require();
        var texts = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "other")))
        {
            try { texts.Add(JsonSerializer.Serialize(Read(file, anyModality: true).Info)); }
            catch (DataException e) { texts.Add(e.Message); }
        }
        texts.Add(JsonSerializer.Serialize(Read(DicomTestData.Copies(root, "mono1-explicit-le").First().Path).Info));
        foreach (var text in texts)
        foreach (var secret in DicomTestData.PatientStrings)
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void DicomIsFoundByContentWhateverItsName()
    {
        var root = DicomTestData.Require();
        using var temp = new TempDir();
        var copies = DicomTestData.Copies(root, "mono2-rle").ToList();
        foreach (var cls in new[] { "NORMAL", "PNEUMONIA" })
        {
            var dir = Directory.CreateDirectory(temp.Combine("test", cls)).FullName;
            var (_, stem, path) = copies.First(c => c.Class == cls);
            File.Copy(path, Path.Combine(dir, stem)); // no extension at all
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image");
        }
        var records = ChestXrayDataset.Load(temp.Path, "test");
        Assert.Equal(2, records.Count);
        var image = new ImageDecoder(64).Decode(records[0].FullPath);
        Assert.Equal(64, image.Width);
        Assert.Equal(ImageFormats.Dicom.Name, ImageDecoder.ReadHeader(File.ReadAllBytes(records[1].FullPath), "upload").Format);
    }

    [SkippableFact]
    public void TheShippedModelGivesTheCopiesTheAnswersOfTheirJpegOriginals()
    {
        var (root, dataset) = DicomTestData.RequireWithOriginals();
        var model = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        Skip.IfNot(ModelDirectory.Exists(model), "models/szanet is not there: test skipped");
        using var diagnoser = Diagnoser.Load([model]);
        double worst = 0;
        string worstFile = "";
        foreach (var (cls, stem, _) in DicomTestData.Copies(root, DicomTestData.Variants[0]))
        {
            var jpeg = diagnoser.Diagnose(DicomTestData.Original(dataset, cls, stem), explain: false);
            Assert.Null(jpeg.Dicom);
            foreach (var variant in DicomTestData.Variants)
            {
                var path = Path.Combine(root, "test-copies", variant, cls, stem + ".dcm");
                var dicom = diagnoser.Diagnose(path, explain: false);
                Assert.NotNull(dicom.Dicom);
                Assert.True(dicom.Label == jpeg.Label, $"{variant}/{cls}/{stem}: {dicom.LabelName} ({dicom.Probability:F4}), the JPEG {jpeg.LabelName} ({jpeg.Probability:F4})");
                var difference = Math.Abs(dicom.Probability - jpeg.Probability);
                if (difference > worst) (worst, worstFile) = (difference, $"{variant}/{cls}/{stem}");
            }
        }
        output.WriteLine($"max |p_dicom - p_jpeg| over 12 copies x {DicomTestData.Variants.Length} encodings: {worst:F5} ({worstFile})");
        Assert.True(worst <= 0.02, $"max |p_dicom - p_jpeg| = {worst:F4} at {worstFile}");
    }
}
