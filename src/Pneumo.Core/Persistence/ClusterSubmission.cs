namespace Pneumo.Persistence;

/// <summary>One submission of a cluster run: the array job of its tasks (only <see cref="Indices"/>) and the merge job after it.</summary>
public sealed record ClusterSubmission(string ArrayJob, string MergeJob, List<int> Indices, string SubmittedUtc);
