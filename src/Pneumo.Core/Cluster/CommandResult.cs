namespace Pneumo.Cluster;

/// <summary>What a program run by <see cref="ICommandRunner"/> answered.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The first line of standard error, else of standard output: the program's reason, for a one-line error.</summary>
    public string Reason =>
        (Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
         ?? Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
         ?? $"exit code {ExitCode}");
}
