using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Export;
using Pneumo.Inference;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo export</c>: a model directory as ONNX (whole inference graph) or safetensors (weights only).</summary>
public sealed class ExportCommand(Terminal terminal) : PneumoCommand<ExportCommand.Settings>(terminal)
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--format <FORMAT>"), Description("onnx (preprocessing + network + sigmoid) or safetensors (weights, PyTorch names)."), DefaultValue("onnx")]
        public string Format { get; init; } = "onnx";

        [CommandOption("--out <FILE>"), Description("File to write (.onnx or .safetensors).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out FILE is required");
            if (Format is not ("onnx" or "safetensors")) return ValidationResult.Error("--format must be onnx or safetensors");
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model), Warning);
        ModelExporter.Export(model, ModelExporter.Parse(settings.Format), settings.Out!);
        Line($"{settings.Out}: {model.Metadata.Architecture} model {model.Version} as {settings.Format} ({new FileInfo(settings.Out!).Length:N0} bytes)");
        return Task.FromResult(ExitCodes.Success);
    }
}
