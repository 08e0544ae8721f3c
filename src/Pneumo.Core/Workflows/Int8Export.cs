using System.Security.Cryptography;
using System.Text;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Export;
using Pneumo.Inference;
using Pneumo.Inference.Int8;

namespace Pneumo.Workflows;

/// <summary>
/// <c>pneumo export --quantize int8</c>: the model's ONNX graph quantised to int8, calibrated on images of the model's own
/// validation part (rebuilt from its <c>split.csv</c>, as <c>evaluate --split validation</c> does), never the test set.
/// </summary>
public static class Int8Export
{
    /// <summary>Calibration images by default: ranges settle well before this many (ONNX Runtime's examples use 100-500).</summary>
    public const int DefaultCalibrationImages = 256;

    /// <summary>Writes the int8 ONNX file of <paramref name="model"/> to <paramref name="path"/>; returns its calibration.</summary>
    public static Int8Calibration Run(ModelDirectory model, string dataRoot, string path, int calibrationImages, int seed,
                                      Action<string>? log = null, CancellationToken cancel = default)
    {
        var validation = ValidationImages(model, dataRoot, log, cancel);
        var calibration = Calibration(model, validation, calibrationImages, seed);
        log?.Invoke($"calibrating on {calibration.Source}");
        OnnxExporter.Export(model, path, calibration, cancel: cancel);
        return calibration;
    }

    /// <summary>The model's validation images, decoded at its input size, in path order (images that cannot be decoded are left out and logged).</summary>
    public static IReadOnlyList<(ImageRecord Record, RgbImage Image)> ValidationImages(ModelDirectory model, string dataRoot, Action<string>? log = null,
                                                                                    CancellationToken cancel = default)
    {
        var decoder = new ImageDecoder(model.Metadata.Preprocessing.InputSize) { OnWarning = ImageDecoder.WarningsTo(log) };
        var (_, usable, cache, skipped) = ModelSplit.Load(model, dataRoot, ModelSplit.Validation, decoder, log, cancel);
        using (cache)
        {
            foreach (var s in skipped) log?.Invoke($"skipped: {s}");
            return usable.OrderBy(r => r.RelativePath, StringComparer.Ordinal).Select(r => (r, cache.Get(r))).ToList();
        }
    }

    /// <summary>
    /// <paramref name="count"/> of <paramref name="validation"/>'s images (all when there are fewer), drawn with
    /// <paramref name="seed"/>; described by where they come from and the SHA-256 of their paths.
    /// </summary>
    public static Int8Calibration Calibration(ModelDirectory model, IReadOnlyList<(ImageRecord Record, RgbImage Image)> validation, int count, int seed)
    {
        var chosen = validation.ToArray();
        new Random(seed).Shuffle(chosen);
        chosen = chosen.Take(count).OrderBy(v => v.Record.RelativePath, StringComparer.Ordinal).ToArray();
        var paths = string.Join("\n", chosen.Select(v => v.Record.RelativePath));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(paths)));
        var source = $"{chosen.Length} of the {validation.Count} images of the validation part of {model.Name} (its split.csv), drawn with seed {seed}";
        return new Int8Calibration(chosen.Select(v => v.Image).ToList(), source, sha);
    }
}
