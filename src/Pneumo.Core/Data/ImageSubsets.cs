namespace Pneumo.Data;

/// <summary>
/// Subsets of a list of images that stay compact: of an <see cref="ImageList"/>, another one on the same table (4 bytes
/// an image); of any other list, a list of its records.
/// </summary>
public static class ImageSubsets
{
    /// <summary>The images at <paramref name="indices"/> of <paramref name="source"/>, in the order given (repeats allowed).</summary>
    public static IReadOnlyList<ImageRecord> Subset(this IReadOnlyList<ImageRecord> source, IEnumerable<int> indices) =>
        source is ImageList list ? list.Pick(indices) : indices.Select(i => source[i]).ToList();

    /// <summary>The images of <paramref name="source"/> for which <paramref name="keep"/> is true, in its order.</summary>
    public static IReadOnlyList<ImageRecord> Filter(this IReadOnlyList<ImageRecord> source, Func<ImageRecord, bool> keep) =>
        source is ImageList list ? list.Where(keep) : source.Where(keep).ToList();

    /// <summary>The lists one after the other.</summary>
    public static IReadOnlyList<ImageRecord> Concat(IReadOnlyList<IReadOnlyList<ImageRecord>> lists) =>
        lists.All(l => l is ImageList) && ImageList.Concat(lists.Cast<ImageList>().ToList()) is { } joined
            ? joined
            : lists.SelectMany(l => l).ToList();
}
