using System.Diagnostics;
using System.Reflection;

namespace Pneumo.Persistence;

/// <summary>Where a result came from: the command, the commit, the machine and the time.</summary>
public sealed record Provenance(string Command, string Commit, string Machine, string CreatedUtc, string PneumoVersion)
{
    /// <summary>
    /// Captures the current process's provenance. The commit is the one the running code was built from (the .NET SDK
    /// writes it into the assembly's informational version, "1.0.0+SHA"), marked <c>-dirty</c> when the working
    /// directory is that commit's checkout with uncommitted changes; without a build commit (built outside git), it is
    /// <c>git rev-parse HEAD</c> of the working directory, or "unknown".
    /// </summary>
    /// <remarks>Not plain HEAD: a long run started from one build keeps running while the checkout moves on.</remarks>
    public static Provenance Capture(string command) =>
        new(command, RecordedCommit(BuildCommit(typeof(Provenance).Assembly), Git("rev-parse HEAD"), IsDirty),
            $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), typeof(Provenance).Assembly.GetName().Version?.ToString() ?? "0");

    /// <summary>The commit to record, from the build's commit, the checkout's HEAD and whether the checkout has changes.</summary>
    internal static string RecordedCommit(string? built, string? head, Func<bool> dirty)
    {
        var commit = built ?? head;
        if (commit is null) return "unknown";
        return commit == head && dirty() ? commit + "-dirty" : commit;
    }

    /// <summary>The source revision after the '+' of <paramref name="assembly"/>'s informational version, or null.</summary>
    internal static string? BuildCommit(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        int plus = version?.IndexOf('+') ?? -1;
        if (plus < 0) return null;
        var revision = version![(plus + 1)..];
        return revision.Length >= 7 && revision.All(Uri.IsHexDigit) ? revision : null;
    }

    private static bool IsDirty() => !string.IsNullOrWhiteSpace(Git("status --porcelain --untracked-files=no"));

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
