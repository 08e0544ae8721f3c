using Pneumo.Persistence;
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
        var random = new Random(seed);
        var validation = new HashSet<ImageRecord>();
        foreach (var (_, ofClass) in ImageGroups.ShuffledByClass(ImageGroups.Of(records, by), random))
        {
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
            records.Filter(r => !validation.Contains(r)),
            records.Filter(validation.Contains));
    }
}
