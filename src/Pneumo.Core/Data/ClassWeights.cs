using Pneumo.Persistence;

namespace Pneumo.Data;

/// <summary>Balanced class weights n / (K n_c) over K classes, as scikit-learn's <c>compute_class_weight('balanced')</c>.</summary>
public static class ClassWeights
{
    /// <summary>Weights indexed by the task's target: [NORMAL, PNEUMONIA], or [NORMAL, BACTERIAL, VIRAL] for the finding task.</summary>
    public static double[] Balanced(IReadOnlyCollection<ImageRecord> records, ModelTask task = ModelTask.Pneumonia)
    {
        var counts = TaskTargets.Counts(records, task);
        if (counts.Any(c => c == 0)) throw new DataException($"class weights need images of every class in the training part (counts {string.Join("/", counts)})");
        return counts.Select(c => (double)records.Count / (counts.Length * (double)c)).ToArray();
    }
}
