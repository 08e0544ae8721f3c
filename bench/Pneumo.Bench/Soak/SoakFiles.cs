using System.Globalization;
using System.Text;
using Pneumo.Persistence;

namespace Pneumo.Bench.Soak;

/// <summary>Writes a soak as <c>soak.json</c> and a README: the command, the commit, the machine, the verdicts and a table per target.</summary>
public static class SoakFiles
{
    /// <summary>The largest growth of the server's RSS over the last half of the requests that counts as flat.</summary>
    public const double FlatRss = 0.10;

    /// <summary>Hand-written notes beside the results, linked from the README when present.</summary>
    public const string NotesFile = "NOTES.md";

    public static void Write(SoakReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        Json.Write(Path.Combine(dir, SoakRun.JsonFile), report);
        AtomicFile.WriteAllText(Path.Combine(dir, SoakRun.ReadmeFile), Markdown(report, File.Exists(Path.Combine(dir, NotesFile))));
    }

    public static SoakReport Read(string path) => Json.Read<SoakReport>(path);

    public static string Markdown(SoakReport r, bool linkNotes = false)
    {
        var s = new StringBuilder();
        void L(FormattableString line) => s.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        s.AppendLine("# Service soak");
        s.AppendLine();
        L($"- Command: `{r.Provenance.Command}`");
        L($"- Commit: `{r.Provenance.Commit}`, {r.Provenance.CreatedUtc}, {r.Seconds:F0} s");
        L($"- Machine: {r.Machine.Cpu}, {r.Machine.Cores} cores, {r.Machine.Simd}; {r.Machine.Os}; {r.Machine.Runtime}");
        L($"- Load: concurrency {r.Concurrency}; {r.ExplainFraction:P0} of requests ask for Grad-CAM (the page's and the API's default); {r.Images} real X-rays in a seeded order (seed {r.Seed}), the same image and choice for request k on every target; {r.Warmup} unmeasured warm-up requests per target; targets soaked in alternating blocks of {r.BlockSize}.");
        if (linkNotes) L($"- Notes: [{NotesFile}]({NotesFile}).");
        s.AppendLine();
        s.AppendLine("## Summary");
        s.AppendLine();
        s.AppendLine("| target | engine | requests | statuses | 5xx | requests/s | p50 ms | p99 ms | max ms | RSS first → last MB | RSS spread, last half |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in r.Targets)
            L($"| {t.Name} | {t.Engine ?? "?"} | {t.Requests} | {Statuses(t.Statuses)} | {t.ServerErrors} | {t.RequestsPerSecond:F2} | {t.P50Ms:F0} | {t.P99Ms:F0} | {t.MaxMs:F0} | {Mb(t.RssFirstMb)} → {Mb(t.RssLastMb)} | {Pct(t.RssLastHalfSpread)} |");
        s.AppendLine();
        foreach (var c in r.Comparisons)
            L($"- **{c.Target}** against **{c.Baseline}**: {c.Speedup:F2}x the requests/s, p99 {c.P99Ratio:F2}x (over the {c.InterleavedRequests} requests in the blocks that alternated with the baseline's, the same minutes of the machine: {c.InterleavedSpeedup:F2}x, p99 {c.InterleavedP99Ratio:F2}x); probabilities of the {c.ImagesCompared} images both answered differ by at most {(c.MaxProbabilityDifference is double d ? d.ToString("E1", CultureInfo.InvariantCulture) : "n/a")}.");
        s.AppendLine();
        s.AppendLine("Checks (each target): no 5xx; RSS flat within 10% over the last half of its requests ((max - min) / min of the readings after each block from there on).");
        s.AppendLine();
        foreach (var t in r.Targets)
            L($"- {t.Name}: 5xx {(t.ServerErrors == 0 ? "none ✓" : $"{t.ServerErrors} ✗")}; RSS {(t.RssLastHalfSpread is double d ? d <= FlatRss ? $"flat ({d:P1}) ✓" : $"not flat ({d:P1}) ✗" : "not measured")}");
        foreach (var t in r.Targets)
        {
            s.AppendLine();
            L($"## {t.Name} ({t.Url}, pid {t.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
            s.AppendLine();
            s.AppendLine("| requests | statuses | requests/s | p50 ms | p99 ms | VmRSS MB | RssAnon MB | RssFile MB |");
            s.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var b in t.Blocks)
                L($"| {b.FirstRequest + b.Requests} | {Statuses(b.Statuses)} | {b.RequestsPerSecond:F2} | {b.P50Ms:F0} | {b.P99Ms:F0} | {Mb(b.VmRssMb)} | {Mb(b.RssAnonMb)} | {Mb(b.RssFileMb)} |");
        }
        return s.ToString();
    }

    private static string Statuses(IReadOnlyDictionary<string, int> statuses) => string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}"));

    private static string Mb(double? v) => v?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a";

    private static string Pct(double? v) => v?.ToString("P1", CultureInfo.InvariantCulture) ?? "n/a";
}
