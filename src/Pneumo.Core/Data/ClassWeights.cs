namespace Pneumo.Data;

/// <summary>Balanced class weights n / (2 n_c), as scikit-learn's <c>compute_class_weight('balanced')</c>.</summary>
public static class ClassWeights
{
    /// <summary>Weights indexed by label: [NORMAL, PNEUMONIA].</summary>
    public static double[] Balanced(IReadOnlyCollection<ImageRecord> records)
    {
        var counts = ChestXrayDataset.ClassCounts(records);
        if (counts.Any(c => c == 0)) throw new DataException("class weights need images of both classes in the training part");
        return counts.Select(c => (double)records.Count / (2.0 * c)).ToArray();
    }
}
