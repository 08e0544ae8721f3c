namespace Pneumo.Data;

/// <summary>One labelled image of a dataset split.</summary>
/// <remarks>
/// A data root's images are listed by an <see cref="ImageList"/>, which makes their records when asked for: a record
/// made from it keeps its relative path, its label, the root it shares with the others and its place in the list's
/// table; its full path, patient and finding are derived when asked for. Records compare by value.
/// </remarks>
public sealed record ImageRecord
{
    private readonly string? root, fullPath, patientId, finding;
    private readonly ImageTable? table;
    private readonly int index;

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

    /// <summary>Image <paramref name="index"/> of <paramref name="table"/>.</summary>
    internal ImageRecord(ImageTable table, int index) : this(table.Root, table.RelativePath(index), table.Label(index))
    {
        this.table = table;
        this.index = index;
    }

    /// <summary>The table the record was made from and its place there (null for a record made otherwise).</summary>
    internal (ImageTable Table, int Index)? Source => table is null ? null : (table, index);

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

    /// <summary>Equal when they describe the same image the same way: where a record was made from (its table) does not count.</summary>
    public bool Equals(ImageRecord? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            Label == other.Label && RelativePath == other.RelativePath && root == other.root && fullPath == other.fullPath &&
            patientId == other.patientId && finding == other.finding);

    public override int GetHashCode() => HashCode.Combine(RelativePath, Label, root, fullPath, patientId, finding);

    private string FileName => RelativePath[(RelativePath.LastIndexOf('/') + 1)..];
}
