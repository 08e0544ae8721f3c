namespace Pneumo.Evaluation.Metrics;

/// <summary>The one check that every score a metric sees is a finite number.</summary>
/// <remarks>
/// NaN compares unequal to everything, itself included: sorting, grouping ties and thresholding silently go wrong
/// (<see cref="RocCurve"/> once looped forever on one NaN, growing until the process was killed). So non-finite scores
/// are refused where metrics are computed, and the workflows that produce scores call <see cref="Require"/> first with
/// a name for the producer (the model, the epoch) so that the one line says where they came from.
/// </remarks>
public static class FiniteScores
{
    /// <summary>Throws when any score is NaN or infinite.</summary>
    /// <param name="scores">The scores.</param>
    /// <param name="producer">What gave the scores, for the message (e.g. "models/szanet" or "the model after epoch 3").</param>
    /// <param name="paths">The images the scores belong to, in the same order; the first bad one is named.</param>
    /// <exception cref="NonFiniteScoresException">A score is NaN or infinite.</exception>
    public static void Require(IReadOnlyList<double> scores, string producer, IReadOnlyList<string>? paths = null)
    {
        int bad = 0, first = -1;
        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsFinite(scores[i])) continue;
            bad++;
            if (first < 0) first = i;
        }
        if (bad == 0) return;
        var where = paths is not null && first < paths.Count ? paths[first] : $"position {first}";
        throw new NonFiniteScoresException(
            $"{producer} gave NaN or infinite scores for {bad} of {scores.Count} images (the first: {where}); " +
            "no metric is computed from them (are its weights NaN or diverged?)");
    }
}
