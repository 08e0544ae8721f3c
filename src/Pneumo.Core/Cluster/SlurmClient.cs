namespace Pneumo.Cluster;

/// <summary>Slurm's commands as Pneumo uses them: submit a script, list queued jobs, show what Slurm remembers of a job, cancel one.</summary>
/// <remarks>
/// Without accounting (a one-node test cluster has none) a finished job is forgotten after <c>MinJobAge</c> (300 s by
/// default): <see cref="Show"/> then knows nothing, <see cref="Accounted"/> neither, and the run folders' task records
/// are what remains.
/// </remarks>
public sealed class SlurmClient(ICommandRunner runner)
{
    public static readonly SlurmClient Default = new(ProcessCommandRunner.Instance);

    /// <summary>Whether Slurm's client commands are installed here.</summary>
    public bool Installed => runner.Run("sbatch", ["--version"]) is { ExitCode: 0 };

    /// <summary>
    /// Submits <paramref name="script"/> and returns its job id; <paramref name="array"/> names the array indices to run
    /// (<c>1-3</c>, <c>2,5</c>, with an optional <c>%M</c>; null = as the script says), <paramref name="dependency"/> is a
    /// <c>--dependency</c> value (<c>afterok:12</c>; null = none).
    /// </summary>
    /// <exception cref="UserError">sbatch is missing or refused the job (its reason).</exception>
    public string Submit(string script, string? array = null, string? dependency = null)
    {
        var args = new List<string> { "--parsable" };
        if (array is not null) args.Add("--array=" + array);
        if (dependency is not null) args.Add("--dependency=" + dependency);
        args.Add(script);
        var result = runner.Run("sbatch", args)
                     ?? throw new UserError("sbatch: not found; install Slurm's client commands (Debian: slurm-client), or use --dry-run and submit elsewhere");
        var id = result.Stdout.Trim().Split(';')[0];
        if (result.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new UserError($"sbatch {script}: {result.Reason}");
        return id;
    }

    /// <summary>The queued jobs among <paramref name="jobIds"/>, one line per array task (<c>squeue -r</c>); none when Slurm forgot them all.</summary>
    public IReadOnlyList<SlurmJob> Queue(IEnumerable<string> jobIds)
    {
        var ids = jobIds.Distinct().ToList();
        if (ids.Count == 0) return [];
        var result = runner.Run("squeue", ["-h", "-r", "-j", string.Join(',', ids), "-o", "%i|%T|%r"]);
        if (result is null) throw new UserError("squeue: not found; install Slurm's client commands (Debian: slurm-client)");
        if (result.ExitCode != 0)
            return result.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? [] : throw new UserError($"squeue: {result.Reason}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|'))
            .Where(f => f.Length == 3)
            .Select(f => new SlurmJob(f[0], f[1], f[2]))
            .ToList();
    }

    /// <summary>What Slurm still remembers of <paramref name="jobId"/> (every task of an array), from <c>scontrol -o show job</c>.</summary>
    public IReadOnlyList<SlurmJob> Show(string jobId)
    {
        var result = runner.Run("scontrol", ["-o", "show", "job", jobId]);
        if (result is not { ExitCode: 0 }) return [];
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ParseShowLine).Where(j => j is not null).Select(j => j!).ToList();
    }

    /// <summary>
    /// What the cluster's accounting holds of <paramref name="jobId"/> (every task of an array), from <c>sacct</c>: none
    /// where the cluster keeps no accounting (a one-node test cluster) or <c>sacct</c> is missing.
    /// </summary>
    public IReadOnlyList<SlurmJob> Accounted(string jobId)
    {
        var result = runner.Run("sacct", ["-n", "-P", "-X", "-j", jobId, "--format=JobID,State,ExitCode"]);
        if (result is not { ExitCode: 0 }) return [];
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|'))
            .Where(f => f.Length == 3)
            .Select(f => new SlurmJob(f[0], f[1].Split(' ')[0], "accounting", f[2]))  // "CANCELLED by 0" names who
            .ToList();
    }

    /// <summary>Cancels a job (<c>scancel</c>); false when Slurm refused.</summary>
    public bool Cancel(string jobId) => runner.Run("scancel", [jobId]) is { ExitCode: 0 };

    /// <summary>One line of <c>scontrol -o show job</c> (space-separated <c>Key=Value</c>) as a job.</summary>
    public static SlurmJob? ParseShowLine(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = word.IndexOf('=');
            if (eq > 0) fields.TryAdd(word[..eq], word[(eq + 1)..]);
        }
        if (!fields.TryGetValue("JobId", out var id) || !fields.TryGetValue("JobState", out var state)) return null;
        if (fields.TryGetValue("ArrayJobId", out var array) && fields.TryGetValue("ArrayTaskId", out var task)) id = $"{array}_{task}";
        return new SlurmJob(id, state, fields.GetValueOrDefault("Reason", "None"), fields.GetValueOrDefault("ExitCode"));
    }
}
