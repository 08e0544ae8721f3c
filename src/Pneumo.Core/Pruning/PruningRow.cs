using System.Text.Json.Serialization;

namespace Pneumo.Pruning;

/// <summary>One row of the pruning table: a variant at one sparsity, evaluated on validation and on test.</summary>
/// <remarks>
/// <c>Variant</c>: A <see cref="PruningVariant"/> name, or <c>dense</c> for the unpruned model.
/// <c>Sparsity</c>: The requested fraction of zeros of the convolution and dense weights (0 for dense).
/// <c>MeasuredSparsity</c>: The fraction of those weights that are exactly zero in the evaluated model.
/// <c>ZipBytes</c>: Size of the model's weights file compressed into a zip archive.
/// </remarks>
public sealed record PruningRow(string Variant, double Sparsity, double MeasuredSparsity, PruningMetrics Validation,
                                PruningMetrics Test, long ZipBytes, double Seconds)
{
    [JsonIgnore]
    public string Key => PruningStep.Keys(Variant, Sparsity);
}
