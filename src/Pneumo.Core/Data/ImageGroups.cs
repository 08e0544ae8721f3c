using Pneumo.Persistence;
namespace Pneumo.Data;

/// <summary>
/// The units that seeded splits keep whole (a patient's images, or single images), taken class by class: the shared
/// first step of <see cref="TrainValidationSplit"/> and <see cref="CrossValidationFolds"/>.
/// </summary>
internal static class ImageGroups
{
    /// <summary>The groups of <paramref name="records"/>, ordered by the relative path of their first image (input-order independent).</summary>
    public static List<List<ImageRecord>> Of(IReadOnlyList<ImageRecord> records, SplitBy by) =>
        records
            .GroupBy(r => by == SplitBy.Patient ? r.PatientId : r.RelativePath, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .OrderBy(g => g[0].RelativePath, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// For each class in label order, the groups whose majority label it is, shuffled with <paramref name="random"/>.
    /// Each class is shuffled only when it is reached, so the draws from <paramref name="random"/> happen in class order.
    /// </summary>
    public static IEnumerable<(ClassLabel Label, List<List<ImageRecord>> Groups)> ShuffledByClass(
        List<List<ImageRecord>> groups, Random random)
    {
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            var ofClass = groups.Where(g => MajorityLabel(g) == label).ToList();
            Shuffle(ofClass, random);
            yield return (label, ofClass);
        }
    }

    /// <summary>PNEUMONIA when more than half of the group's images are; else NORMAL.</summary>
    public static ClassLabel MajorityLabel(List<ImageRecord> group) =>
        group.Count(r => r.Label == ClassLabel.Pneumonia) * 2 > group.Count ? ClassLabel.Pneumonia : ClassLabel.Normal;

    private static void Shuffle<T>(IList<T> list, Random random)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
