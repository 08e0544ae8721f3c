using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;

namespace Pneumo.Bench;

/// <summary>The result of <see cref="Int8Bench"/>: one model's float and int8 ONNX graphs side by side.</summary>
/// <param name="Operators">The int8 graph's operators after ONNX Runtime's optimisations, with their counts.</param>
/// <param name="AucConditionMet">Whether the validation AUC changed by at most <see cref="Int8Check.MaxAucChange"/>.</param>
public sealed record Int8Report(string Model, string Architecture, string WeightsVersion, string TestTimeAugmentation,
                                string Calibration, string CalibrationImagesSha256, string CalibrationMethod, int Seed,
                                int FloatBytes, int Int8Bytes, IReadOnlyDictionary<string, int> Operators,
                                Int8Accuracy Accuracy, Int8Speed Speed, bool AucConditionMet, double Seconds, Provenance Provenance)
{
    /// <summary>Each validation image's probability from both graphs (predictions.csv, not in int8.json).</summary>
    [JsonIgnore]
    public IReadOnlyList<Int8Prediction> Predictions { get; init; } = [];
}

/// <summary>One validation image: its label, both graphs' probabilities, and whether it was a calibration image.</summary>
public sealed record Int8Prediction(string Path, int Label, double Float, double Int8, bool Calibration);

/// <summary>Both graphs' probabilities on the model's validation images (the calibration images among them) and on the rest (held out from calibration).</summary>
public sealed record Int8Accuracy(int Images, int HeldOutImages, double FloatAuc, double Int8Auc, double FloatAucHeldOut, double Int8AucHeldOut,
                                  double MaxProbabilityDifference, double MeanProbabilityDifference, double Threshold, int DecisionsChanged)
{
    public double AucChange => Int8Auc - FloatAuc;
}

/// <summary>Medians over the alternating rounds: milliseconds for one image, images per second in batches of 32.</summary>
/// <param name="LoadAverage">The machine's 1-minute load average before and after the run (it is shared: other work slows both graphs).</param>
public sealed record Int8Speed(int Rounds, int Threads, double FloatBatch1Ms, double Int8Batch1Ms, double FloatBatch32ImagesPerSecond, double Int8Batch32ImagesPerSecond,
                               string LoadAverage)
{
    public double Batch1Speedup => Math.Round(FloatBatch1Ms / Int8Batch1Ms, 2);
    public double Batch32Speedup => Math.Round(Int8Batch32ImagesPerSecond / FloatBatch32ImagesPerSecond, 2);
}

/// <summary>Writes <see cref="Int8Report"/> as int8.json and README.md.</summary>
public static class Int8Files
{
    public static void Write(Int8Report report, string dir)
    {
        Directory.CreateDirectory(dir);
        Json.Write(Path.Combine(dir, Int8Bench.JsonFile), report);
        AtomicFile.WriteAllText(Path.Combine(dir, Bench.ReadmeFile), Markdown(report));
        AtomicFile.WriteAllText(Path.Combine(dir, PredictionsFile), "path,label,float_probability,int8_probability,calibration\n" + string.Concat(
            report.Predictions.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Csv.Escape(p.Path)},{p.Label},{p.Float:R},{p.Int8:R},{(p.Calibration ? 1 : 0)}\n"))));
    }

    public const string PredictionsFile = "predictions.csv";

    public static string Markdown(Int8Report r)
    {
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var a = r.Accuracy;
        var s = r.Speed;
        var md = new StringBuilder();
        md.AppendLine($"# INT8 against float32 in ONNX Runtime: {r.Architecture} ({Path.GetFileName(r.Model)}, weights {r.WeightsVersion})");
        md.AppendLine();
        md.AppendLine($"Command: `{r.Provenance.Command}` at commit `{r.Provenance.Commit}`, {r.Provenance.CreatedUtc}, on {r.Provenance.Machine}; " +
                      $"{F(r.Seconds, "0")} s. Test-time augmentation: {r.TestTimeAugmentation} (both graphs run it). Seed {r.Seed}.");
        md.AppendLine();
        md.AppendLine($"Calibration ({r.CalibrationMethod}): {r.Calibration}; SHA-256 of their paths `{r.CalibrationImagesSha256[..16]}...`. " +
                      "The same int8 graph as `pneumo export --quantize int8` with the same --calibration and --seed writes.");
        md.AppendLine();
        md.AppendLine("## Accuracy on the model's validation images");
        md.AppendLine();
        md.AppendLine("| images | float32 AUC | int8 AUC | change |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine($"| all {a.Images} | {F(a.FloatAuc, "F5")} | {F(a.Int8Auc, "F5")} | {F(a.AucChange, "+0.00000;-0.00000;0")} |");
        md.AppendLine($"| the {a.HeldOutImages} not used for calibration | {F(a.FloatAucHeldOut, "F5")} | {F(a.Int8AucHeldOut, "F5")} | {F(a.Int8AucHeldOut - a.FloatAucHeldOut, "+0.00000;-0.00000;0")} |");
        md.AppendLine();
        md.AppendLine($"Probabilities: max |float - int8| {F(a.MaxProbabilityDifference, "F4")}, mean {F(a.MeanProbabilityDifference, "F5")}; " +
                      $"{a.DecisionsChanged} of {a.Images} decisions change at the model's threshold {F(a.Threshold, "F3")}.");
        md.AppendLine();
        md.AppendLine($"Each image's probabilities: [{PredictionsFile}]({PredictionsFile}).");
        md.AppendLine();
        md.AppendLine($"**Shipping condition (validation AUC changes by at most {F(Int8Check.MaxAucChange, "0.000")}): {(r.AucConditionMet ? "met" : "not met")}.**");
        md.AppendLine();
        md.AppendLine("## Speed (ONNX Runtime, CPU)");
        md.AppendLine();
        md.AppendLine($"Medians over {s.Rounds} rounds alternating float and int8, {(s.Threads == 0 ? "all cores" : $"{s.Threads} threads")}; " +
                      $"batch 1 is the median of 10 calls per round, batch 32 one call per round. 1-minute load average {s.LoadAverage} " +
                      "(the machine is shared: absolute figures rise with the load, the ratio less so).");
        md.AppendLine();
        md.AppendLine("| measure | float32 | int8 | int8 / float32 |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine($"| batch 1, latency | {F(s.FloatBatch1Ms, "F1")} ms | {F(s.Int8Batch1Ms, "F1")} ms | {F(s.Batch1Speedup, "F2")}x faster |");
        md.AppendLine($"| batch 32, throughput | {F(s.FloatBatch32ImagesPerSecond, "F1")} img/s | {F(s.Int8Batch32ImagesPerSecond, "F1")} img/s | {F(s.Batch32Speedup, "F2")}x |");
        md.AppendLine($"| file size | {F(r.FloatBytes / 1e6, "F1")} MB | {F(r.Int8Bytes / 1e6, "F1")} MB | |");
        md.AppendLine();
        md.AppendLine("Operators of the int8 graph after ONNX Runtime's optimisations (`SessionOptions.OptimizedModelFilePath`): " +
                      string.Join(", ", r.Operators.Select(o => $"{o.Value} `{o.Key}`")) + ".");
        return md.ToString();
    }
}
