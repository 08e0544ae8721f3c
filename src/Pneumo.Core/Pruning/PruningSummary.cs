using Pneumo.Persistence;

namespace Pneumo.Pruning;

/// <summary>The contents of a sweep's <c>summary.json</c>, rewritten after every step (a partial one resumes).</summary>
public sealed record PruningSummary
{
    public required string Model { get; init; }
    public required string Architecture { get; init; }
    public required string DataRoot { get; init; }
    public required PruningSettings Settings { get; init; }
    /// <summary>The dense model's own threshold (chosen on validation when it was trained); every accuracy is at it.</summary>
    public required double Threshold { get; init; }
    public required string ThresholdMethod { get; init; }
    public PruningRow? Dense { get; init; }
    public long DenseWeightsBytes { get; init; }
    public List<PruningRow> Rows { get; init; } = [];
    public List<PruningChoice> Choices { get; init; } = [];
    public SavedPrunedModel? SavedModel { get; init; }
    public bool Complete { get; init; }
    public double Seconds { get; init; }
    public required Provenance Provenance { get; init; }
}

/// <summary>The pruned model written as a model directory: the best variant at its chosen sparsity, by validation score.</summary>
/// <remarks>
/// <c>Directory</c>: Folder name inside the sweep's output folder.
/// </remarks>
public sealed record SavedPrunedModel(string Directory, string Variant, double Sparsity, double MeasuredSparsity,
                                      long ZipBytes, long DenseZipBytes);
