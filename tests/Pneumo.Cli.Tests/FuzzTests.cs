using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29's fuzz gate through the real program: the seeded corpus of mutated DICOM, JPEG and PNG files
/// (<see cref="FuzzCorpus"/>) in one <c>predict</c> run. The process never dies, every file gets a score or one
/// refusal line naming it, and the peak RSS of the program and its decoding workers stays under 1.5 GB.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const long MaxPeakRssKb = 1536L * 1024;

    [SlowFact]
    public void MutatedFilesAreScoredOrRefusedOneLineEachAndTheProcessNeverDies()
    {
        Skip.IfNot(File.Exists("/usr/bin/time"), "GNU time (/usr/bin/time) measures the peak RSS: apt-get install -y time");
        var cases = FuzzCorpus.Cases();
        using var temp = new TempDir();
        var dir = Directory.CreateDirectory(temp.Combine("cases")).FullName;
        foreach (var c in cases) File.WriteAllBytes(Path.Combine(dir, c.Name), c.Bytes);

        var peakFile = temp.Combine("peak.txt");
        var clock = Stopwatch.StartNew();
        var r = Run(peakFile, "predict", "--any-modality", "--format", "csv", dir);
        clock.Stop();
        Assert.True(r.ExitCode is 0 or 2, $"exit {r.ExitCode}: the process died or failed\n{Tail(r.Stderr)}");

        var scored = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => Path.GetFileName(l.Split(',')[0])).ToList();
        var refused = new List<(string File, string Reason)>();
        foreach (var line in r.ErrorLines)
        {
            Assert.True(line.StartsWith("error: ", StringComparison.Ordinal) || line.StartsWith("warning: ", StringComparison.Ordinal),
                        $"not a one-line message: {line}");
            Assert.DoesNotContain("internal error", line);
            if (!line.StartsWith("error: " + dir, StringComparison.Ordinal)) continue;
            var rest = line["error: ".Length..];
            int colon = rest.IndexOf(": ", dir.Length, StringComparison.Ordinal);
            refused.Add((Path.GetFileName(rest[..colon]), rest[(colon + 2)..]));
        }
        var outcomes = scored.Concat(refused.Select(x => x.File)).ToList();
        Assert.Equal(cases.Count, outcomes.Count);
        Assert.Equal(cases.Select(c => c.Name).Order(StringComparer.Ordinal), outcomes.Order(StringComparer.Ordinal));

        long peakKb = long.Parse(File.ReadAllText(peakFile).Trim().Split('\n')[^1]);
        int deaths = refused.Count(x => x.Reason.StartsWith("the DICOM decoder failed on this file", StringComparison.Ordinal));
        var counts = new
        {
            surface = "cli predict",
            seed = FuzzCorpus.Seed,
            cases = cases.Count,
            dicom_cases = cases.Count(c => c.Name.EndsWith(".dcm", StringComparison.Ordinal)),
            scored = scored.Count,
            refused = refused.Count,
            decoder_worker_deaths = deaths,
            decoder_worker_deaths_by_reason = refused.Where(x => x.Reason.StartsWith("the DICOM decoder failed", StringComparison.Ordinal))
                .GroupBy(x => x.Reason).ToDictionary(g => g.Key, g => g.Count()),
            process_deaths = 0,
            peak_rss_mb = Math.Round(peakKb / 1024.0, 1),
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            refusals_by_reason = refused.GroupBy(x => ReasonClass(x.Reason)).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
        };
        FuzzCorpus.Report("cli", counts);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(counts));
        Assert.True(peakKb <= MaxPeakRssKb, $"peak RSS {peakKb / 1024} MB");
        Assert.True(scored.Count > 0 && refused.Count > 0, "the corpus should be partly scored and partly refused");
    }

    /// <summary>A refusal's reason without its numbers and quoted values: what kind of refusal it is.</summary>
    internal static string ReasonClass(string reason)
    {
        var head = reason.Split(" (")[0];
        return System.Text.RegularExpressions.Regex.Replace(head, @"[0-9][0-9,x.]*|'[^']*'|\([^)]*\)", "N").Trim();
    }

    private static CliRunner.Result Run(string peakFile, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/time") { WorkingDirectory = TestData.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-f", "%M", "-o", peakFile, "dotnet", Path.Combine(AppContext.BaseDirectory, "pneumo.dll"), .. args])
            info.ArgumentList.Add(a);
        info.Environment.Remove("PNEUMO_DATA");
        info.Environment.Remove("PNEUMO_MODEL");
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(20))) { p.Kill(true); throw new TimeoutException("predict over the fuzz corpus did not finish in 20 minutes"); }
        return new CliRunner.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(20));
}
