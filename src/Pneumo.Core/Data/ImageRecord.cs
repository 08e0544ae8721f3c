namespace Pneumo.Data;

/// <summary>One labelled image of a dataset split.</summary>
/// <remarks>
/// A dataset can hold hundreds of thousands of these for a whole run, so a record read from a data root
/// (<see cref="ChestXrayDataset.Load"/>) keeps only its relative path, its label and the root it shares with the
/// others: its full path, patient and finding are derived when asked for. (With one store lookup per image instead of
/// two, that took a training run's list of images from 0.65 to 0.46 KB an image: results/bench/image-store/NOTES.md.)
/// </remarks>
public sealed record ImageRecord
{
    private readonly string? root, fullPath, patientId, finding;

    /// <summary>A record with every attribute given.</summary>
    /// <param name="relativePath">Path relative to the data root, '/'-separated (e.g. <c>test/NORMAL/IM-0001-0001.jpeg</c>).</param>
    /// <param name="fullPath">Absolute path on disk.</param>
    /// <param name="label">The class, from the folder the image is in.</param>
    /// <param name="patientId">The patient the image belongs to.</param>
    /// <param name="finding">normal, bacteria, virus or unknown.</param>
    public ImageRecord(string relativePath, string fullPath, ClassLabel label, string patientId, string finding)
    {
        RelativePath = relativePath;
        this.fullPath = fullPath;
        Label = label;
        this.patientId = patientId;
        this.finding = finding;
    }

    /// <summary>A record of an image under a data root: full path, patient and finding derived from the relative path.</summary>
    /// <param name="root">The data root's full path ending in a directory separator, one string shared by a dataset's records.</param>
    /// <param name="relativePath">Path relative to <paramref name="root"/>, '/'-separated.</param>
    /// <param name="label">The class, from the folder the image is in.</param>
    internal ImageRecord(string root, string relativePath, ClassLabel label)
    {
        this.root = root;
        RelativePath = relativePath;
        Label = label;
    }

    /// <summary>Path relative to the data root, '/'-separated (e.g. <c>test/NORMAL/IM-0001-0001.jpeg</c>).</summary>
    public string RelativePath { get; }

    /// <summary>Absolute path on disk.</summary>
    public string FullPath => fullPath ?? string.Concat(root, Path.DirectorySeparatorChar == '/' ? RelativePath : RelativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The class, from the folder the image is in.</summary>
    public ClassLabel Label { get; }

    /// <summary>The patient the image belongs to, parsed from the file name (<see cref="FileNameInfo.PatientId"/>).</summary>
    public string PatientId => patientId ?? FileNameInfo.PatientId(FileName);

    /// <summary>normal, bacteria, virus or unknown, parsed from the file name (<see cref="FileNameInfo.Finding"/>).</summary>
    public string Finding => finding ?? FileNameInfo.Finding(FileName, Label);

    private string FileName => RelativePath[(RelativePath.LastIndexOf('/') + 1)..];
}
