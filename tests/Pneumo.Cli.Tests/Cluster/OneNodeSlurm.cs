using System.Diagnostics;

namespace Pneumo.Tests.Cluster;

/// <summary>
/// A one-node Slurm cluster on this machine for the tests of this class (<c>tests/slurm/one-node-cluster.sh</c>): a
/// generated <c>slurm.conf</c> in a temporary folder, munged, slurmctld and slurmd, stopped by their pids on dispose.
/// <see cref="SkipReason"/> says why there is none (Slurm not installed, not root, the node never idle). The folder is
/// <c>$PNEUMO_SLURM_DIR</c> when set (CI stops the daemons there after the tests, however they ended), else a temporary one.
/// </summary>
public sealed class OneNodeSlurm : IDisposable
{
    private readonly TempDir? temporary;
    private readonly string dir;
    private readonly string script = Path.Combine(TestData.RepositoryRoot, "tests", "slurm", "one-node-cluster.sh");

    public OneNodeSlurm()
    {
        if (!SlowFactAttribute.Enabled)
        {
            (dir, SkipReason) = ("", SlowFactAttribute.Reason);  // its tests are skipped: no daemons started for nothing
            return;
        }
        var configured = Environment.GetEnvironmentVariable("PNEUMO_SLURM_DIR");
        if (string.IsNullOrEmpty(configured)) dir = (temporary = new TempDir()).Path;
        else dir = Directory.CreateDirectory(configured).FullName;
        var (exit, output, error) = Bash("start");
        if (exit == 0) Conf = Path.Combine(dir, "slurm.conf");
        else SkipReason = $"no one-node Slurm cluster here: {(error.Trim().Length > 0 ? error.Trim() : output.Trim())} (exit {exit}); the real-Slurm tests are skipped";
    }

    /// <summary>The cluster's configuration (for <c>SLURM_CONF</c>); null when it did not start.</summary>
    public string? Conf { get; }

    public string? SkipReason { get; }

    /// <summary>The daemons' logs, for a failing test's message.</summary>
    public string Logs => string.Join("\n", Directory.Exists(Path.Combine(dir, "log")) ? Directory.GetFiles(Path.Combine(dir, "log")).Select(f => $"--- {f}\n{Tail(f)}") : []);

    public void Dispose()
    {
        if (Conf is not null) Bash("stop");
        temporary?.Dispose();
    }

    private static string Tail(string file) => string.Join('\n', File.ReadLines(file).TakeLast(15));

    private (int Exit, string Output, string Error) Bash(string action)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(action);
        info.ArgumentList.Add(dir);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(true); return (-1, "", "one-node-cluster.sh did not finish in 90 s"); }
        return (p.ExitCode, output.Result, error.Result);
    }
}
