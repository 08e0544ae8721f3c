using System.Collections;

namespace Pneumo.Data;

/// <summary>
/// The images of a data root's split, kept compactly: every relative path in one UTF-8 buffer, every label in one
/// byte. A list serves <see cref="ImageRecord"/>s made when asked for; a subset (a split, a fold, the images that
/// decoded) is the same table and an array of positions.
/// </summary>
/// <remarks>
/// Why: a training run holds its list of images for its whole length. As records (an object and a path string per
/// image, and per list a reference per image), that list took about 0.46 KB of the process's own memory an image (measured),
/// which is what grew with the size of a dataset once the pixels were mapped from the image store
/// (results/bench/image-store/NOTES.md). Here an image costs its path's bytes, 5 bytes of table, and 4 bytes in each
/// subset. Records made from a list are equal (<see cref="object.Equals(object)"/>) to every other record made for the
/// same image, not the same object: sets of them compare by value.
/// </remarks>
public sealed class ImageList : IReadOnlyList<ImageRecord>
{
    private readonly ImageTable table;
    private readonly int[]? positions;  // null = the whole table, in order

    private ImageList(ImageTable table, int[]? positions)
    {
        this.table = table;
        this.positions = positions;
    }

    /// <summary>A list of the images at <paramref name="relativePaths"/> under <paramref name="root"/>, in the order given.</summary>
    /// <param name="root">The data root's full path ending in a directory separator.</param>
    /// <param name="relativePaths">'/'-separated paths relative to the root, with their labels.</param>
    internal static ImageList Of(string root, IReadOnlyList<(string RelativePath, ClassLabel Label)> relativePaths) =>
        new(ImageTable.Of(root, relativePaths), null);

    public int Count => positions?.Length ?? table.Count;

    public ImageRecord this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"{index} of {Count}");
            return new ImageRecord(table, positions is null ? index : positions[index]);
        }
    }

    /// <summary>The label of image <paramref name="index"/>, without making its record.</summary>
    public ClassLabel LabelAt(int index) => table.Label(positions is null ? index : positions[index]);

    /// <summary>The images at <paramref name="indices"/> of this list (indices into it, in the order given; repeats allowed).</summary>
    public ImageList Pick(IEnumerable<int> indices) =>
        new(table, indices.Select(i =>
        {
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"{i} of {Count}");
            return positions is null ? i : positions[i];
        }).ToArray());

    /// <summary>The images for which <paramref name="keep"/> is true, in this list's order.</summary>
    public ImageList Where(Func<ImageRecord, bool> keep) => Pick(Enumerable.Range(0, Count).Where(i => keep(this[i])));

    /// <summary>The lists one after the other, as one list when they all share one table, else null.</summary>
    internal static ImageList? Concat(IReadOnlyList<ImageList> lists)
    {
        if (lists.Count == 0 || lists.Any(l => l.table != lists[0].table)) return null;
        return new ImageList(lists[0].table, lists.SelectMany(l => l.positions ?? Enumerable.Range(0, l.table.Count)).ToArray());
    }

    public IEnumerator<ImageRecord> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
