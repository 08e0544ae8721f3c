using System.Diagnostics;

namespace Pneumo.Bench.Soak;

/// <summary>A service to soak: a running one (<see cref="Url"/>, with <see cref="Pid"/> for its memory) or one to start.</summary>
/// <param name="Name">The name in the results (e.g. the engine).</param>
/// <param name="Url">The service's base address; null = start it with <see cref="Start"/> (it prints "listening on URL").</param>
/// <param name="Pid">The server's process id, for its resident memory (/proc/PID/status); null = not measured.</param>
/// <param name="Start">How to start the server (a child process of this one, stopped at the end); null = already running.</param>
/// <param name="Requests">Measured requests for this target; null = <see cref="SoakOptions.Requests"/>.</param>
public sealed record SoakTarget(string Name, Uri? Url = null, int? Pid = null, ProcessStartInfo? Start = null, int? Requests = null);

/// <summary>What one soak sends: how many requests, how many at once, which images, and how often it reports.</summary>
public sealed record SoakOptions
{
    /// <summary>The services, soaked in alternating blocks of <see cref="BlockSize"/> requests (so that a shared machine's drift hits each alike).</summary>
    public required IReadOnlyList<SoakTarget> Targets { get; init; }

    /// <summary>The images posted, in a seeded order (request k posts image order[k mod count] to every target).</summary>
    public required IReadOnlyList<string> Images { get; init; }

    public int Requests { get; init; } = 10_000;

    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// The share of requests that ask for a Grad-CAM explanation (the others send <c>?explain=false</c>); 1 = all, what
    /// the page and a plain <c>curl -F file=@x</c> send.
    /// </summary>
    public double ExplainFraction { get; init; } = 1;

    public int Seed { get; init; } = 42;

    /// <summary>Requests per report line (status counts, latency percentiles, requests/s and the server's memory).</summary>
    public int BlockSize { get; init; } = 500;

    /// <summary>Unmeasured requests per target before the first block (the server's first requests compile code).</summary>
    public int Warmup { get; init; } = 32;

    /// <summary>A request that takes longer counts as an error.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    public string? Validate()
    {
        if (Targets.Count == 0) return "nothing to soak: give --url or --engine";
        if (Requests < 1 || Targets.Any(t => t.Requests is < 1)) return "--requests must be at least 1";
        if (Concurrency < 1) return "--concurrency must be at least 1";
        if (ExplainFraction is < 0 or > 1 || double.IsNaN(ExplainFraction)) return "--explain-fraction must be between 0 and 1";
        if (BlockSize < 1) return "the block size must be at least 1";
        if (Images.Count == 0) return "no images to send";
        if (Targets.Select(t => t.Name).Distinct().Count() != Targets.Count) return "two soak targets have the same name";
        return null;
    }
}
