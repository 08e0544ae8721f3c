using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>The contents of a sweep's <c>summary.json</c>, rewritten after every step (a partial one resumes).</summary>
public sealed record PruningSummary
{
    /// <summary>
    /// 2: every row at its own threshold, chosen on its validation predictions (1, or absent: every row at the dense
    /// model's threshold, which a sweep of this version does not continue).
    /// </summary>
    public const int CurrentFormatVersion = 2;

    public int FormatVersion { get; init; } = 1;
    public required string Model { get; init; }
    public required string Architecture { get; init; }
    public required string DataRoot { get; init; }
    public required PruningSettings Settings { get; init; }
    /// <summary>The dense model's own threshold (chosen on validation when it was trained): the dense row's, and the one of every row's <c>*_at_dense_threshold</c> metrics.</summary>
    public required double Threshold { get; init; }
    /// <summary>The dense model's threshold rule, with which every pruned model chooses its own threshold on its validation predictions.</summary>
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
/// <c>Threshold</c>: Its own threshold, chosen on its validation predictions; the <c>threshold</c> of its <c>model.json</c>.
/// </remarks>
public sealed record SavedPrunedModel(string Directory, string Variant, double Sparsity, double MeasuredSparsity,
                                      long ZipBytes, long DenseZipBytes, double Threshold);
