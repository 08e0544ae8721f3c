namespace Pneumo.Reporting.Card;

/// <summary>A section of a model card that has no source, and the command that would give it one.</summary>
/// <param name="Section">What is missing, for people (e.g. "test metrics").</param>
/// <param name="Command">The command that fills it, or null when none does.</param>
public sealed record MissingSection(string Section, string? Command);
