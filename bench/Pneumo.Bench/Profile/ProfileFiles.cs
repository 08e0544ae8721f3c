using System.Globalization;
using System.Text;
using Pneumo.Persistence;

namespace Pneumo.Bench.Profile;

/// <summary>Writes a profile as <c>profile.json</c> and a README with the phases, the kinds of layer and every layer.</summary>
public static class ProfileFiles
{
    public const string JsonFile = "profile.json";

    public static void Write(ProfileReport report, string dir)
    {
        System.IO.Directory.CreateDirectory(dir);
        Json.Write(Path.Combine(dir, JsonFile), report);
        AtomicFile.WriteAllText(Path.Combine(dir, Bench.ReadmeFile), Markdown(report));
    }

    public static string Markdown(ProfileReport r)
    {
        var s = new StringBuilder();
        void L(FormattableString line) => s.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        L($"# Where a training step's time goes");
        s.AppendLine();
        L($"- Command: `{r.Provenance.Command}`");
        L($"- Commit: `{r.Provenance.Commit}`, {r.Provenance.CreatedUtc}, {r.Seconds:F0} s");
        L($"- Machine: {r.Machine.Cpu}, {r.Machine.Cores} cores, {r.Machine.Simd}{(r.Machine.Bf16 ? " + BF16" : "")}; {r.Threads} threads; FMA loop {r.Machine.MeasuredFmaGflops:F0} GFLOP/s");
        L($"- The bench's bound step: one ready batch of {r.BatchSize} at {r.InputSize} px; forward, class-weighted loss, backward, the architecture's optimiser, weight average.");
        s.AppendLine("- Phases: the median over the steps of each phase, without hooks. Layers: the mean per step of as many steps with");
        s.AppendLine("  hooks around every module; a module's own time (its called children subtracted): a block's row is the work between");
        s.AppendLine("  its layers (ReLU, padding, residual addition), and in bf16 also its convolutions, which then run outside the Conv2d");
        s.AppendLine("  module. Backward: from its output's gradient to its input's. Shares: of the step (phases), of forward + backward (layers).");
        foreach (var arch in r.Runs.Select(x => x.Arch).Distinct())
        {
            var runs = r.Runs.Where(x => x.Arch == arch).ToList();
            string Head(string first) => $"| {first} | " + string.Join(" | ", runs.Select(x => x.Precision)) + " |";
            string Rule(int n) => "|" + string.Concat(Enumerable.Repeat("---|", n));
            s.AppendLine();
            L($"## {arch}");
            s.AppendLine();
            s.AppendLine(Head("phase (ms, share)"));
            s.AppendLine(Rule(runs.Count + 1));
            foreach (var phase in runs[0].Phases.Select(p => p.Name))
                s.AppendLine($"| {phase} | " + string.Join(" | ", runs.Select(x => x.Phases.First(p => p.Name == phase) is var p ? F($"{p.Ms:F1} ({p.Share:P1})") : "")) + " |");
            s.AppendLine($"| **step** | " + string.Join(" | ", runs.Select(x => F($"**{x.StepMs:F0}** ({x.ImagesPerSecond:F1} img/s; with hooks {x.HookedStepMs:F0})"))) + " |");
            s.AppendLine();
            s.AppendLine(Head("kind of layer: forward + backward ms (share)"));
            s.AppendLine(Rule(runs.Count + 1));
            foreach (var kind in runs.SelectMany(x => x.Kinds).Select(k => k.Kind).Distinct())
                s.AppendLine($"| {kind} | " + string.Join(" | ", runs.Select(x => x.Kinds.FirstOrDefault(k => k.Kind == kind) is { } k
                    ? F($"{k.ForwardMs:F1} + {k.BackwardMs:F1} ({k.Share:P1})") : "")) + " |");
            s.AppendLine();
            s.AppendLine($"| layer | kind | " + string.Join(" | ", runs.Select(x => $"{x.Precision} forward + backward ms (share)")) + " |");
            s.AppendLine(Rule(runs.Count + 2));
            foreach (var layer in runs[0].Layers)
                s.AppendLine($"| {layer.Name} | {layer.Kind} | " + string.Join(" | ", runs.Select(x => x.Layers.FirstOrDefault(l => l.Name == layer.Name) is { } l
                    ? F($"{l.ForwardMs:F1} + {l.BackwardMs:F1} ({l.Share:P1})") : "")) + " |");
        }
        return s.ToString();
    }

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
