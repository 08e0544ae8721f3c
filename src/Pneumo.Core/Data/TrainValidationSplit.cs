namespace Pneumo.Data;

/// <summary>A training part and a validation part carved from one set of images.</summary>
public sealed record TrainValidationSplit(IReadOnlyList<ImageRecord> Train, IReadOnlyList<ImageRecord> Validation)
{
    /// <summary>
    /// Splits <paramref name="records"/> so that about <paramref name="validationFraction"/> of each class goes to
    /// validation, keeping each group (patient, or image) on one side. Seeded and deterministic for a given input order.
    /// </summary>
    /// <remarks>
    /// Groups are taken class by class (a group's class is its majority label), shuffled with the seed, and moved to
    /// validation while doing so brings the class's validation count closer to its target.
    /// </remarks>
    public static TrainValidationSplit Create(IReadOnlyList<ImageRecord> records, double validationFraction, int seed,
                                              SplitBy by = SplitBy.Patient)
    {
        if (validationFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationFraction), "must be between 0 and 1");
        var groups = records
            .GroupBy(r => by == SplitBy.Patient ? r.PatientId : r.RelativePath, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .OrderBy(g => g[0].RelativePath, StringComparer.Ordinal)
            .ToList();
        var random = new Random(seed);
        var validation = new HashSet<ImageRecord>(ReferenceEqualityComparer.Instance);
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            var ofClass = groups.Where(g => MajorityLabel(g) == label).ToList();
            Shuffle(ofClass, random);
            double target = ofClass.Sum(g => g.Count) * validationFraction;
            int taken = 0;
            foreach (var group in ofClass)
            {
                if (Math.Abs(taken + group.Count - target) >= Math.Abs(taken - target)) continue;
                taken += group.Count;
                foreach (var r in group) validation.Add(r);
            }
        }
        return new TrainValidationSplit(
            records.Where(r => !validation.Contains(r)).ToList(),
            records.Where(validation.Contains).ToList());
    }

    private static ClassLabel MajorityLabel(List<ImageRecord> group) =>
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
