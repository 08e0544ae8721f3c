using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>The contents of <c>audit.json</c>: what was audited, how, and every summary (per-image rows are in <c>audit.csv</c>).</summary>
public sealed record AuditResult
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Model { get; init; }
    public required string ModelName { get; init; }
    public required string Architecture { get; init; }
    /// <summary>The first 12 hex digits of the SHA-256 of the weights file.</summary>
    public required string Version { get; init; }
    public required string ExplainedLayer { get; init; }
    public required string TestTimeAugmentation { get; init; }
    /// <summary>The model's own threshold (chosen on its validation data) and how it was chosen.</summary>
    public required double Threshold { get; init; }
    public required string ThresholdMethod { get; init; }
    public required string Split { get; init; }
    public required string DataRoot { get; init; }
    public required AuditSettings Settings { get; init; }
    public required int N { get; init; }
    public required int NNormal { get; init; }
    public required int NPneumonia { get; init; }
    public required AuditRegions Regions { get; init; }
    public required double BorderAreaShare { get; init; }
    public required double PatchAreaShare { get; init; }
    /// <summary>Images whose Grad-CAM map had no positive evidence (left out of the mass summaries).</summary>
    public required int EmptyMaps { get; init; }
    public required List<RegionMass> CamMass { get; init; }
    public required List<MaskingEffect> Masking { get; init; }
    /// <summary>Per file-name group, class and overall, at the model's threshold.</summary>
    public required List<GroupMetrics> Groups { get; init; }
    /// <summary>The same at 0.5.</summary>
    public required List<GroupMetrics> GroupsAtHalf { get; init; }
    /// <summary>The output files, relative to the output folder.</summary>
    public required Dictionary<string, string> Files { get; init; }
    public List<string> Skipped { get; init; } = [];
    public double Seconds { get; init; }
    public double ImagesPerSecond { get; init; }
    public Provenance? Provenance { get; init; }
}
