namespace Pneumo.Explain;

/// <summary>Text above an overlay: a title (the decision and probability), a subtitle (what the map shows) and an optional highlighted note.</summary>
public sealed record OverlayCaption(string Title, string Subtitle)
{
    /// <summary>A third line in an accent colour (a referred image's "refer to a radiologist"); null = none.</summary>
    public string? Note { get; init; }
}
