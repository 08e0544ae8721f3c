using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Pneumo.Models;
using Pneumo.Models.ResNet;
using Pneumo.Persistence;
using Pneumo.Runtime;

namespace Pneumo.Bench.Peer;

/// <summary>
/// PyTorch running Pneumo's bound steps: <c>bench/peer/pytorch_bench.py</c> in a child process. By default Debian's
/// <c>python3-torch</c> (PyTorch 1.13 with oneDNN), the PyTorch a user of these machines can install.
/// </summary>
public sealed class PytorchPeer(string python, string script)
{
    public const string Name = "pytorch";
    public const string DefaultPython = "/usr/bin/python3";
    public const string NotInstalled = "python3-torch not installed: apt-get install python3-torch";

    /// <summary>The script, copied beside the program when it is built.</summary>
    public static string DefaultScript => Path.Combine(AppContext.BaseDirectory, "peer", "pytorch_bench.py");

    /// <summary>The architectures the script has a model of (the same layers as Pneumo's).</summary>
    public static readonly IReadOnlyList<string> Architectures = [SzaNet.Name, ResNetTransfer.FullName];

    public string Python => python;
    public string Script => script;

    /// <summary>Why the peer cannot run here (one line), or null when it can.</summary>
    public string? Unavailable(CancellationToken cancel = default)
    {
        if (!File.Exists(script)) return $"{script} not found";
        try
        {
            if (Execute(["-c", "import torch"], cancel).Code == 0) return null;
        }
        catch (Win32Exception)
        {
            // no such interpreter
        }
        return NotInstalled;
    }

    /// <summary>Runs the script with <paramref name="arguments"/> and reads the JSON document it prints.</summary>
    /// <exception cref="InvalidOperationException">The script failed or printed no result.</exception>
    public PeerRun Run(IEnumerable<string> arguments, CancellationToken cancel = default)
    {
        var (code, output, error) = Execute([script, .. arguments], cancel);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (code != 0 || last is null)
            throw new InvalidOperationException($"{script} exited with code {code}: {error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no output"}");
        return Json.Deserialize<PeerRun>(last);
    }

    /// <summary>The script's arguments for one round: Pneumo's batch, steps, optimiser and class weights, and its thread count.</summary>
    public static List<string> Arguments(string arch, int threads, int batchSize, int inputSize, int steps, int inferenceRepeats, StepRecipe recipe,
                                         double[] classWeights, bool bf16, int seed)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return ["--arch", arch, "--threads", $"{threads}", "--batch-size", $"{batchSize}", "--size", $"{inputSize}", "--steps", $"{steps}",
                "--warmup", "1", "--repeats", $"{inferenceRepeats}", "--lr", F(recipe.LearningRate), "--weight-decay", F(recipe.WeightDecay),
                "--ema-decay", F(recipe.EmaDecay), "--class-weights", string.Join(",", classWeights.Select(F)),
                "--precisions", bf16 ? "fp32,bf16" : "fp32", "--seed", $"{seed}"];
    }

    private (int Code, string Output, string Error) Execute(IEnumerable<string> arguments, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // The same OpenMP spinning as the measuring process: .NET's copy of the environment does not see what Pneumo set natively.
        if (OpenMpSpinning.SetByPneumo) start.Environment[OpenMpSpinning.Variable] = OpenMpSpinning.PneumoSpinCount.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        try
        {
            process.WaitForExitAsync(cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
