using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>The training sets a card can name, by the fingerprint <c>model.json</c> records of the training images.</summary>
public static class KnownDatasets
{
    /// <summary>The training set (ROOT/train, 5,216 images) of the Guangzhou pediatric chest X-ray set, as README's "The data" describes it.</summary>
    public const string GuangzhouFingerprint = "sha256:141972f69725e17f";

    public const string GuangzhouName =
        "the Guangzhou pediatric chest X-ray set (Kermany, Zhang & Goldbaum, Mendeley Data V2, doi:10.17632/rscbjbr9sj.2, CC BY 4.0)";

    public const string GuangzhouShortName = "the Guangzhou pediatric chest X-ray set";

    /// <summary>
    /// What the data is, for people: the set's name (with its citation when <paramref name="cite"/>) when the fingerprint
    /// is known, else its root and fingerprint.
    /// </summary>
    public static string Describe(DatasetInfo? data, bool cite = false) =>
        data is null ? "training data that model.json does not record"
        : data.Fingerprint == GuangzhouFingerprint ? (cite ? GuangzhouName : GuangzhouShortName)
        : $"the images under `{data.Root}` (fingerprint {data.Fingerprint})";
}
