using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Export;
using Pneumo.Persistence;
using Spectre.Console;
using Spectre.Console.Cli;
using Pneumo.Inference;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo export</c>: a model directory as ONNX (whole inference graph) or safetensors (weights only).</summary>
public sealed class ExportCommand(IAnsiConsole console) : PneumoCommand<ExportCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <MODEL_DIR>"), Description("Model directory (default: $PNEUMO_MODEL or models/resnet18-full).")]
        public string? Model { get; init; }

        [CommandOption("--format <FORMAT>"), Description("onnx (preprocessing + network + sigmoid) or safetensors (weights, PyTorch names)."), DefaultValue("onnx")]
        public string Format { get; init; } = "onnx";

        [CommandOption("--out <FILE>"), Description("File to write (.onnx or .safetensors).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out FILE is required");
            if (Format is not ("onnx" or "safetensors")) return ValidationResult.Error("--format must be onnx or safetensors");
            return ValidationResult.Success();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model));
        ModelExporter.Export(model, ModelExporter.Parse(settings.Format), settings.Out!);
        Line($"{settings.Out}: {model.Metadata.Architecture} model {model.Version} as {settings.Format} ({new FileInfo(settings.Out!).Length:N0} bytes)");
        return Task.FromResult(ExitCodes.Success);
    }
}
