using System.Diagnostics;

namespace Pneumo.Persistence;

/// <summary>Where a result came from: the command, the commit, the machine and the time.</summary>
public sealed record Provenance(string Command, string Commit, string Machine, string CreatedUtc, string PneumoVersion)
{
    /// <summary>Captures the current process's provenance. The commit is <c>git rev-parse HEAD</c> (with <c>-dirty</c> when the tree has changes), or "unknown".</summary>
    public static Provenance Capture(string command) =>
        new(command, GitCommit(), $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), typeof(Provenance).Assembly.GetName().Version?.ToString() ?? "0");

    private static string GitCommit()
    {
        var head = Git("rev-parse HEAD");
        if (head is null) return "unknown";
        var status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? head : head + "-dirty";
    }

    private static string? Git(string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("git", args)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
