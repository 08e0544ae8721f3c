namespace Pneumo.Cluster;

/// <summary>Runs a program and waits for it (Slurm's <c>sbatch</c>, <c>squeue</c>, <c>scontrol</c>, <c>scancel</c>); replaceable in tests.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="program"/> (found on PATH) with <paramref name="arguments"/>.</summary>
    /// <returns>Null when the program is not installed.</returns>
    CommandResult? Run(string program, IReadOnlyList<string> arguments);
}
