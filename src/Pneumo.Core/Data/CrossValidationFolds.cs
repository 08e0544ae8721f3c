using Pneumo.Persistence;
namespace Pneumo.Data;

/// <summary>
/// K disjoint folds covering a set of images, stratified by class and keeping each group (patient, or image) in one
/// fold; fold k's <see cref="Split"/> validates on fold k and trains on the others.
/// </summary>
public sealed record CrossValidationFolds(IReadOnlyList<IReadOnlyList<ImageRecord>> Folds)
{
    /// <summary>The number of folds.</summary>
    public int Count => Folds.Count;

    /// <summary>
    /// Deals the groups of <paramref name="records"/> into <paramref name="folds"/> folds. Seeded and deterministic for a
    /// given set of images (the input order does not matter); each fold keeps the input order of its images.
    /// </summary>
    /// <remarks>
    /// Class by class (a group's class is its majority label), the groups are shuffled with the seed, then taken largest
    /// first (a stable sort, so the shuffle orders groups of equal size) and each goes to the fold with the fewest images
    /// of that class so far; ties go to the fold with the fewest images in all, then to the lowest index. Every fold's
    /// count of a class is then within the largest group's size of that class's count / K.
    /// </remarks>
    /// <exception cref="UserError">Fewer than 2 folds, or a class with fewer groups than folds.</exception>
    public static CrossValidationFolds Create(IReadOnlyList<ImageRecord> records, int folds, int seed, SplitBy by = SplitBy.Patient)
    {
        if (folds < 2) throw new UserError($"--folds must be at least 2 (got {folds})");
        var foldOf = new Dictionary<ImageRecord, int>();
        var total = new int[folds];
        foreach (var (label, ofClass) in ImageGroups.ShuffledByClass(ImageGroups.Of(records, by), new Random(seed)))
        {
            if (ofClass.Count < folds)
                throw new UserError($"--folds {folds}: class {label.FolderName()} has only {ofClass.Count} {(by == SplitBy.Patient ? "patients" : "images")}");
            var ofLabel = new int[folds];
            foreach (var group in ofClass.OrderByDescending(g => g.Count))
            {
                int target = Enumerable.Range(0, folds).MinBy(f => (ofLabel[f], total[f], f));
                ofLabel[target] += group.Count;
                total[target] += group.Count;
                foreach (var r in group) foldOf[r] = target;
            }
        }
        return new CrossValidationFolds(Enumerable.Range(0, folds)
            .Select(f => records.Filter(r => foldOf[r] == f))
            .ToList());
    }

    /// <summary>Fold <paramref name="fold"/> (0-based) as validation, all other folds (in fold order) as training.</summary>
    public TrainValidationSplit Split(int fold)
    {
        if (fold < 0 || fold >= Count) throw new ArgumentOutOfRangeException(nameof(fold), $"fold {fold} of {Count}");
        return new TrainValidationSplit(
            ImageSubsets.Concat(Folds.Where((_, f) => f != fold).ToList()),
            Folds[fold]);
    }
}
