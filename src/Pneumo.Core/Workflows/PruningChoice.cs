using Pneumo.Pruning;
namespace Pneumo.Workflows;

/// <summary>What a sweep concludes for one variant.</summary>
/// <remarks>
/// Every accuracy is at each row's own threshold, chosen on its validation predictions (see <see cref="PruningRow.Of"/>).
/// <c>ChosenSparsity</c>: The sparsity of highest validation score (the paper's criterion, on validation, never test).
/// <c>Threshold</c>: The decision threshold of the chosen row.
/// <c>MaxSparsityWithinToleranceValidation</c>: The largest sparsity up to which every tested sparsity keeps validation accuracy within the tolerance of the dense model's; null when the smallest one already loses more.
/// <c>MaxSparsityWithinToleranceTest</c>: The same on test: reported, never used to choose.
/// </remarks>
public sealed record PruningChoice(string Variant, double ChosenSparsity, double Threshold, double ValidationScore, double ValidationAccuracy,
                                   double TestAccuracy, double TestAuc, double? MaxSparsityWithinToleranceValidation,
                                   double? MaxSparsityWithinToleranceTest)
{
    /// <summary>One choice per variant present in <paramref name="rows"/> (the dense row excluded), in order of first appearance.</summary>
    public static List<PruningChoice> For(PruningRow dense, IReadOnlyList<PruningRow> rows, double tolerance) =>
        rows.Where(r => r.Variant != PruningVariant.DenseName).GroupBy(r => r.Variant).Select(g =>
        {
            var sorted = g.OrderBy(r => r.Sparsity).ToList();
            var best = Best(sorted)!;
            return new PruningChoice(g.Key, best.Sparsity, best.Threshold, best.Validation.Score, best.Validation.Accuracy, best.Test.Accuracy, best.Test.Auc,
                                     MaxWithin(sorted, r => r.Validation.Accuracy, dense.Validation.Accuracy - tolerance),
                                     MaxWithin(sorted, r => r.Test.Accuracy, dense.Test.Accuracy - tolerance));
        }).ToList();

    /// <summary>The row of highest validation score; ties go to higher validation accuracy, then AUC, then lower sparsity.</summary>
    public static PruningRow? Best(IEnumerable<PruningRow> rows) =>
        rows.OrderByDescending(r => r.Validation.Score).ThenByDescending(r => r.Validation.Accuracy)
            .ThenByDescending(r => r.Validation.Auc).ThenBy(r => r.Sparsity).FirstOrDefault();

    private static double? MaxWithin(IEnumerable<PruningRow> sorted, Func<PruningRow, double> accuracy, double floor)
    {
        double? last = null;
        foreach (var r in sorted)
        {
            if (accuracy(r) < floor - 1e-12) break;
            last = r.Sparsity;
        }
        return last;
    }
}
