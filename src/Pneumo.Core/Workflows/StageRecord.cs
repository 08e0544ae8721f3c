namespace Pneumo.Workflows;

/// <summary>One stage of a study in <c>study.json</c>: its output marker, status and wall time.</summary>
/// <param name="Name">e.g. <c>train szanet</c>.</param>
/// <param name="Output">The file (relative to the study folder) whose presence means the stage is finished.</param>
/// <param name="Status">Pending, running (or interrupted), finished or failed.</param>
/// <param name="StartedUtc">When the run that finished it (or is running it) started it.</param>
/// <param name="FinishedUtc">When it finished.</param>
/// <param name="Seconds">Wall time, summed over the runs that worked on it.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record StageRecord(string Name, string Output, StageStatus Status = StageStatus.Pending, string? StartedUtc = null,
                                 string? FinishedUtc = null, double? Seconds = null, string? Error = null);
