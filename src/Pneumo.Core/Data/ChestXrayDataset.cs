using Pneumo.Imaging;
namespace Pneumo.Data;

/// <summary>Reads the standard layout <c>&lt;root&gt;/&lt;split&gt;/{NORMAL,PNEUMONIA}/*.{jpeg,jpg,png,dcm}</c>.</summary>
/// <remarks>Images are the files of the registered formats (<see cref="ImageFormats"/>), by name or, whatever they are called, by content.</remarks>
public static class ChestXrayDataset
{
    /// <summary>What a folder of images holds, for messages: ".jpeg/.jpg/.png/.dcm or JPEG, PNG or DICOM content".</summary>
    public static string ImageKinds => $"{ImageFormats.ExtensionList} or {ImageFormats.Names} content";

    /// <summary>True when the root holds a split folder with both class folders.</summary>
    public static bool HasSplit(string root, string split) =>
        ClassLabels.FolderNames.All(c => Directory.Exists(Path.Combine(root, split, c)));

    /// <summary>The images of one split, sorted by relative path (a stable order for seeded splits), listed compactly (<see cref="ImageList"/>).</summary>
    /// <exception cref="DataException">The split or a class folder is missing, or a class has no images.</exception>
    public static ImageList Load(string root, string split)
    {
        var splitDir = Path.Combine(root, split);
        if (!Directory.Exists(splitDir))
            throw new DataException($"{splitDir}: no '{split}' folder in the data root (expected {root}/{split}/NORMAL and {root}/{split}/PNEUMONIA)");
        var missing = ClassLabels.FolderNames.Where(c => !Directory.Exists(Path.Combine(splitDir, c))).ToList();
        if (missing.Count > 0)
            throw new DataException($"{splitDir}: missing class folder {string.Join(" and ", missing)} (expected {split}/NORMAL and {split}/PNEUMONIA)");
        var images = new List<(string RelativePath, ClassLabel Label)>();
        var fullRoot = Path.GetFullPath(root);
        if (!Path.EndsInDirectorySeparator(fullRoot)) fullRoot += Path.DirectorySeparatorChar;  // one string shared by every record
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            var classDir = Path.Combine(splitDir, label.FolderName());
            var before = images.Count;
            foreach (var file in Directory.EnumerateFiles(classDir))
            {
                if (!ImageFormats.IsImageFile(file)) continue;
                images.Add(($"{split}/{label.FolderName()}/{Path.GetFileName(file)}", label));
            }
            if (images.Count == before)
                throw new DataException($"{classDir}: no {ImageKinds} images");
        }
        images.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return ImageList.Of(fullRoot, images);
    }

    /// <summary>Counts per class: [NORMAL, PNEUMONIA].</summary>
    public static int[] ClassCounts(IEnumerable<ImageRecord> records)
    {
        var counts = new int[2];
        foreach (var r in records) counts[(int)r.Label]++;
        return counts;
    }

    /// <summary>
    /// A short fingerprint of a set of images (SHA-256 over relative paths, labels and file sizes), recorded in
    /// model metadata so a model can be traced to the data it was trained on.
    /// </summary>
    public static string Fingerprint(IEnumerable<ImageRecord> records) => Fingerprint(records.Select(r => (r, new FileInfo(r.FullPath).Length)));

    /// <summary><see cref="Fingerprint(IEnumerable{ImageRecord})"/> of records whose file sizes are known.</summary>
    public static string Fingerprint(IEnumerable<(ImageRecord Record, long Size)> records)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (r, size) in records.OrderBy(r => r.Record.RelativePath, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{r.RelativePath}\t{(int)r.Label}\t{size}\n"));
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}
