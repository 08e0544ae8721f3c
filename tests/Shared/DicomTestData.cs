using Pneumo.Imaging.Dicom;
using Xunit;

namespace Pneumo.Tests;

/// <summary>The DICOM test corpus (../shared/data/dicom, described in its README) and the JPEG originals of its copies.</summary>
public static class DicomTestData
{
    /// <summary>The nine encodings of test-copies/, each holding NORMAL/ and PNEUMONIA/.</summary>
    public static readonly string[] Variants =
    [
        "mono2-explicit-le", "mono2-implicit-le", "mono2-explicit-be", "mono2-jpeg-lossless", "mono2-jpegls-lossless",
        "mono2-rle", "mono1-explicit-le", "mono1-implicit-le", "jpeg-baseline-8bit",
    ];

    /// <summary>Patient names and ids in the corpus; none may ever appear in any output.</summary>
    public static readonly string[] PatientStrings =
    [
        "Test^Synthetic", "TEST-0001", "Doe^Archibald", "77654033", "CompressedSamples", "1CT1", "ABCD1234", "8NM1", "4MR1", "Lestrade",
    ];

    /// <summary>../shared/data/dicom beside the repository, or null.</summary>
    public static string? Root
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(TestData.RepositoryRoot, "..", "shared", "data", "dicom"));
            return Directory.Exists(Path.Combine(dir, "test-copies")) && Directory.Exists(Path.Combine(dir, "other")) ? dir : null;
        }
    }

    /// <summary>Skips the calling test, with a message, when DICOM cannot be read here or the corpus is absent; returns the corpus.</summary>
    public static string Require()
    {
        Skip.IfNot(DicomReader.IsAvailable, "DICOM cannot be read here (install Debian's libgdcm-cil and rebuild): DICOM test skipped");
        var root = Root;
        Skip.If(root is null, "the DICOM corpus (../shared/data/dicom) is not available: DICOM test skipped");
        return root!;
    }

    /// <summary>The corpus and the chest X-ray dataset (for the JPEG originals), or a skip.</summary>
    public static (string Dicom, string Dataset) RequireWithOriginals() => (Require(), TestData.RequireDataset());

    /// <summary>The twelve copies of one variant: (class, stem, path), NORMAL first, by name.</summary>
    public static IEnumerable<(string Class, string Stem, string Path)> Copies(string root, string variant) =>
        new[] { "NORMAL", "PNEUMONIA" }.SelectMany(c =>
            Directory.GetFiles(System.IO.Path.Combine(root, "test-copies", variant, c), "*.dcm").Order(StringComparer.Ordinal)
                .Select(p => (c, System.IO.Path.GetFileNameWithoutExtension(p), p)));

    /// <summary>The JPEG a copy was made from.</summary>
    public static string Original(string dataset, string cls, string stem) => System.IO.Path.Combine(dataset, "test", cls, stem + ".jpeg");

    public static string Other(string root, string file) => System.IO.Path.Combine(root, "other", file);
}
