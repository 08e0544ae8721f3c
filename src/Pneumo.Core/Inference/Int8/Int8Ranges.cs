using Pneumo.Persistence;

namespace Pneumo.Inference.Int8;

/// <summary>
/// A model's int8 calibration, kept in its folder as <c>int8.json</c> (written by <c>pneumo quantize</c>): the activation
/// range of every tensor the QDQ graph quantises, measured on the model's own validation images, and how well the int8
/// graph kept the float one's validation results. With it, <c>--engine onnx-int8</c> builds the int8 graph from the
/// float weights when the model loads (<see cref="Int8Graph.Quantize"/>); the weights themselves are never stored twice.
/// </summary>
public sealed record Int8Ranges
{
    public const string FileName = "int8.json";

    public int FormatVersion { get; init; } = 1;

    public string Scheme { get; init; } = Int8Graph.Scheme;

    /// <summary>The weights calibrated (<see cref="ModelDirectory.WeightsSha256"/>): other weights need their own calibration.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>How the ranges were measured (<see cref="Int8Calibration.Method"/>).</summary>
    public required string CalibrationMethod { get; init; }

    public required int CalibrationImages { get; init; }

    public required string CalibrationSource { get; init; }

    /// <summary>The SHA-256 of the calibration images' paths (one per line, in order).</summary>
    public required string CalibrationImagesSha256 { get; init; }

    /// <summary>Each quantised tensor's [min, max].</summary>
    public required SortedDictionary<string, float[]> Ranges { get; init; }

    /// <summary>The float and int8 scorers on the model's validation images, when they were compared.</summary>
    public Int8Check? Validation { get; init; }

    public Provenance? Provenance { get; init; }

    /// <summary>The ranges as <see cref="Int8Graph.Quantize"/> takes them.</summary>
    public IReadOnlyDictionary<string, (float Min, float Max)> AsRanges() =>
        Ranges.ToDictionary(kv => kv.Key, kv => (kv.Value[0], kv.Value[1]), StringComparer.Ordinal);

    /// <summary>The ranges of a calibration, as stored.</summary>
    public static SortedDictionary<string, float[]> Store(IReadOnlyDictionary<string, (float Min, float Max)> ranges) =>
        new(ranges.ToDictionary(kv => kv.Key, kv => new[] { kv.Value.Min, kv.Value.Max }), StringComparer.Ordinal);

    public static string PathOf(ModelDirectory model) => Path.Combine(model.Path, FileName);

    /// <summary>The int8 calibration of <paramref name="model"/>.</summary>
    /// <exception cref="UserError">None was made, it cannot be read, or it was made for other weights; the message says what to run.</exception>
    public static Int8Ranges Load(ModelDirectory model)
    {
        var path = PathOf(model);
        string remedy = $"make one with: pneumo quantize --model {model.Path}";
        if (!File.Exists(path)) throw new UserError($"{model.Path}: no int8 calibration ({FileName}); {remedy}");
        Int8Ranges ranges;
        try { ranges = Json.Read<Int8Ranges>(path); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new UserError($"{path}: cannot be read ({e.Message}); {remedy}");
        }
        if (ranges.Ranges is null || ranges.Ranges.Values.Any(r => r is not { Length: 2 }))
            throw new UserError($"{path}: not an int8 calibration (no [min, max] per tensor); {remedy}");
        if (!string.Equals(ranges.WeightsSha256, model.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new UserError($"{path}: calibrated for other weights ({ranges.WeightsSha256[..Math.Min(12, ranges.WeightsSha256.Length)]}, the model has {model.Version}); {remedy}");
        return ranges;
    }
}

/// <summary>The int8 graph against the float one on the same validation images (both calibrated as the model is).</summary>
/// <param name="Images">Validation images scored by both.</param>
/// <param name="AucFloat">ROC AUC of the float scorer.</param>
/// <param name="AucInt8">ROC AUC of the int8 scorer.</param>
/// <param name="MeanAbsoluteChange">Mean |int8 − float| of the probabilities.</param>
/// <param name="MaxAbsoluteChange">Largest |int8 − float|.</param>
/// <param name="LabelsChanged">Images whose label at the model's threshold differs.</param>
public sealed record Int8Check(int Images, double AucFloat, double AucInt8, double MeanAbsoluteChange, double MaxAbsoluteChange, int LabelsChanged)
{
    /// <summary>The most the validation AUC may move for the int8 graph to be offered in place of the float one.</summary>
    public const double MaxAucChange = 0.002;

    public double AucChange => AucInt8 - AucFloat;

    public bool WithinTolerance => Math.Abs(AucChange) <= MaxAucChange;
}
