using Pneumo.Inference;

namespace Pneumo.Export;

/// <summary>Exports a model directory to a portable format.</summary>
public static class ModelExporter
{
    /// <summary>The format named on a command line: "onnx" or "safetensors".</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the known ones.</exception>
    public static ExportFormat Parse(string name) =>
        Enum.GetValues<ExportFormat>().FirstOrDefault(f => f.ToString().Equals(name, StringComparison.OrdinalIgnoreCase)) is var format
        && format.ToString().Equals(name, StringComparison.OrdinalIgnoreCase)
            ? format
            : throw new ArgumentException($"unknown export format '{name}' (known: onnx, safetensors)");

    public static void Export(ModelDirectory model, ExportFormat format, string path)
    {
        switch (format)
        {
            case ExportFormat.Onnx: OnnxExporter.Export(model, path); break;
            case ExportFormat.Safetensors: SafetensorsWriter.Export(model, path); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }
}
