using System.Text;

namespace Pneumo.Data;

/// <summary>The relative paths and labels of a set of images under one root, packed (see <see cref="ImageList"/>).</summary>
internal sealed class ImageTable
{
    private readonly byte[] paths;    // UTF-8, one after the other
    private readonly int[] starts;    // image i's path is paths[starts[i]..starts[i + 1]]
    private readonly byte[] labels;

    private ImageTable(string root, byte[] paths, int[] starts, byte[] labels)
    {
        Root = root;
        this.paths = paths;
        this.starts = starts;
        this.labels = labels;
    }

    /// <summary>The data root's full path ending in a directory separator, shared by the records made from the table.</summary>
    public string Root { get; }

    public int Count => labels.Length;

    public static ImageTable Of(string root, IReadOnlyList<(string RelativePath, ClassLabel Label)> images)
    {
        var starts = new int[images.Count + 1];
        var labels = new byte[images.Count];
        int bytes = 0;
        for (int i = 0; i < images.Count; i++)
        {
            starts[i] = bytes;
            bytes += Encoding.UTF8.GetByteCount(images[i].RelativePath);
            labels[i] = (byte)images[i].Label;
        }
        starts[images.Count] = bytes;
        var paths = new byte[bytes];
        for (int i = 0; i < images.Count; i++) Encoding.UTF8.GetBytes(images[i].RelativePath, paths.AsSpan(starts[i]));
        return new ImageTable(root, paths, starts, labels);
    }

    public string RelativePath(int index) => Encoding.UTF8.GetString(paths.AsSpan(starts[index], starts[index + 1] - starts[index]));

    public ClassLabel Label(int index) => (ClassLabel)labels[index];
}
