using Pneumo.Persistence;

namespace Pneumo.Bench.Soak;

/// <summary>The contents of <c>soak.json</c>: every number measured in the run that wrote it.</summary>
public sealed record SoakReport
{
    public const int CurrentFormatVersion = 1;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required Provenance Provenance { get; init; }
    public required MachineInfo Machine { get; init; }
    public required int Seed { get; init; }
    public required int Concurrency { get; init; }
    public required double ExplainFraction { get; init; }
    public required int BlockSize { get; init; }
    public required int Warmup { get; init; }
    public required int Images { get; init; }
    public required List<SoakTargetResult> Targets { get; init; }

    /// <summary>Each target against the first (the baseline).</summary>
    public required List<SoakComparison> Comparisons { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>One target's run: its blocks and the totals.</summary>
/// <remarks>
/// <see cref="RequestsPerSecond"/> is the requests over the time spent in this target's blocks (the other targets'
/// blocks excluded). <see cref="RssLastHalfSpread"/>: over the RSS readings from the end of the block where the last
/// half of the requests begins to the end, (max - min) / min.
/// </remarks>
public sealed record SoakTargetResult(string Name, string Url, string? Engine, int? Pid, int Requests, SortedDictionary<string, int> Statuses,
                                      int ServerErrors, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs,
                                      double? RssFirstMb, double? RssLastMb, double? RssLastHalfSpread, List<SoakBlock> Blocks);

/// <summary>One block of requests to one target, and the server's memory right after it (MB, from /proc/PID/status).</summary>
public sealed record SoakBlock(int Index, int FirstRequest, int Requests, SortedDictionary<string, int> Statuses, double Seconds,
                               double RequestsPerSecond, double P50Ms, double P99Ms, double? VmRssMb, double? RssAnonMb, double? RssFileMb);

/// <summary>
/// A target against the baseline: the ratio of requests/s and of p99, and the largest difference in the probability
/// answered for the same image (over the images both answered with 200).
/// </summary>
/// <remarks>
/// When the baseline made fewer requests, <see cref="InterleavedSpeedup"/> and <see cref="InterleavedP99Ratio"/>
/// compare only the target's blocks that alternated with the baseline's (the same minutes of a shared machine);
/// <see cref="InterleavedRequests"/> is how many requests of the target that is.
/// </remarks>
public sealed record SoakComparison(string Target, string Baseline, double Speedup, double P99Ratio, int ImagesCompared, double? MaxProbabilityDifference,
                                    int InterleavedRequests, double InterleavedSpeedup, double InterleavedP99Ratio);
