namespace Pneumo.Explain;

/// <summary>Text above an overlay: a title (the label and probability) and a subtitle (what the map shows).</summary>
public sealed record OverlayCaption(string Title, string Subtitle);
