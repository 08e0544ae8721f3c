using System.Text.Json;

namespace Pneumo.Tests;

/// <summary>
/// The fuzz corpus of the reliability tests: every file of ../shared/data/dicom and a few JPEG and PNG X-rays, mutated
/// by <see cref="InputMutator"/> with a fixed seed. <c>PNEUMO_FUZZ_CASES</c> sets the number of DICOM cases (1,000 by
/// default, as in <c>.ci/run</c>; a fifth as many JPEG/PNG cases are added); <c>PNEUMO_FUZZ_REPORT</c> names a JSON file
/// the counts are written to (results/reliability).
/// </summary>
public static class FuzzCorpus
{
    public const int Seed = 29;

    public static int DicomCases =>
        int.TryParse(Environment.GetEnvironmentVariable("PNEUMO_FUZZ_CASES"), out var n) && n > 0 ? n : 1000;

    /// <summary>The mutated cases: DICOM first, then JPEG and PNG; a skip when the DICOM corpus or the dataset is missing.</summary>
    public static List<InputMutator.Case> Cases()
    {
        var root = DicomTestData.Require();
        var dataset = TestData.RequireDataset();
        var dicom = Directory.GetFiles(root, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllBytes(p))).ToList();
        var images = new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(dataset, "test", c), "*.jpeg").Order(StringComparer.Ordinal).Take(4))
            .Select(p => (p, File.ReadAllBytes(p))).ToList();
        images.Add(("grey.png", PngWriter.Write(96, 80, 8, 0, Scanlines(96, 80, 1))));
        images.Add(("rgb.png", PngWriter.Write(80, 96, 8, 2, Scanlines(80, 96, 3))));
        return [.. InputMutator.Cases(dicom, DicomCases, Seed), .. InputMutator.Cases(images, DicomCases / 5, Seed + 1)
            .Select((c, i) => c with { Name = $"image-{i:D4}{Path.GetExtension(c.Name)}" })];
    }

    private static byte[] Scanlines(int width, int height, int channels)
    {
        var raw = new byte[height * (1 + width * channels)];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width * channels; x++) raw[y * (1 + width * channels) + 1 + x] = (byte)((x * 7 + y * 3) % 256);
        return raw;
    }

    /// <summary>Writes <paramref name="counts"/> to <c>PNEUMO_FUZZ_REPORT</c> when it is set.</summary>
    public static void Report(string surface, object counts)
    {
        var path = Environment.GetEnvironmentVariable("PNEUMO_FUZZ_REPORT");
        if (string.IsNullOrEmpty(path)) return;
        path = path.Replace("{surface}", surface, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(counts, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
