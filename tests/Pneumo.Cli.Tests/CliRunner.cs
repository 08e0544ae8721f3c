using System.Diagnostics;

namespace Pneumo.Tests;

/// <summary>Runs the real <c>pneumo</c> program (built beside the tests) as a child process.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Standard error's lines other than progress (the plain <c>progress: ...</c> lines long work writes when redirected).</summary>
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !IsProgress(l)).ToArray();

        /// <summary>Standard error's progress lines.</summary>
        public string[] ProgressLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(IsProgress).ToArray();

        private static bool IsProgress(string line) => line.StartsWith("progress: ", StringComparison.Ordinal);
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Result Run(string workingDirectory, IDictionary<string, string?>? environment, params string[] args) =>
        Run(workingDirectory, environment, TimeSpan.FromMinutes(5), args);

    /// <summary>Runs pneumo with a time limit of its own (long protocols on a shared machine), killing it when exceeded.</summary>
    public static Result Run(string workingDirectory, IDictionary<string, string?>? environment, TimeSpan timeout, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pneumo.dll");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PNEUMO_DATA");
        info.Environment.Remove("PNEUMO_MODEL");
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"pneumo did not finish in {timeout.TotalMinutes:F0} minutes"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);
}
