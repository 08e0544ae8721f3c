using System.ComponentModel;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Export;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo export</c>: a model directory as ONNX (whole inference graph, float or quantised to int8) or safetensors
/// (weights only).
/// </summary>
public sealed class ExportCommand(Terminal terminal) : PneumoCommand<ExportCommand.Settings>(terminal)
{
    public sealed class Settings : ModelDataSettings
    {
        [CommandOption("--format <FORMAT>"), Description("onnx (preprocessing + network + sigmoid) or safetensors (weights, PyTorch names)."), DefaultValue("onnx")]
        public string Format { get; init; } = "onnx";

        [CommandOption("--out <FILE>"), Description("File to write (.onnx or .safetensors).")]
        public string? Out { get; init; }

        [CommandOption("--quantize <TYPE>"), Description("int8: write the ONNX graph quantised to int8 (static, QDQ, for ONNX Runtime), calibrated on the model's validation images (needs --data). See docs/int8.md for its speed and accuracy.")]
        public string? Quantize { get; init; }

        [CommandOption("--calibration <N>"), Description("With --quantize: validation images to calibrate on (all of them when there are fewer)."), HelpDefault("256")]
        public int? Calibration { get; init; }

        [CommandOption(CommonOptions.Seed), Description("With --quantize: seed of the draw of the calibration images."), DefaultValue(CommonOptions.DefaultSeed)]
        public int Seed { get; init; } = CommonOptions.DefaultSeed;

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out FILE is required");
            if (Format is not ("onnx" or "safetensors")) return ValidationResult.Error("--format must be onnx or safetensors");
            if (Quantize is not null && Quantize != "int8") return ValidationResult.Error($"--quantize: '{Quantize}' is not a known type (known: int8)");
            if (Quantize is not null && Format != "onnx") return ValidationResult.Error("--quantize goes with --format onnx");
            if (Calibration is not null && Quantize is null) return ValidationResult.Error("--calibration goes with --quantize int8");
            if (Calibration is < 1) return ValidationResult.Error("--calibration must be at least 1");
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model), Warning);
        if (settings.Quantize is not null)
        {
            var calibration = Int8Export.Run(model, DataRoot.Resolve(settings.Data), settings.Out!, settings.Calibration ?? Int8Export.DefaultCalibrationImages,
                                             settings.Seed, Line, cancellation);
            Line($"{settings.Out}: {model.Metadata.Architecture} model {model.Version} as int8 onnx, calibrated ({Int8Calibration.Method}) on " +
                 $"{calibration.Images.Count} validation images ({new FileInfo(settings.Out!).Length:N0} bytes)");
            return Task.FromResult(ExitCodes.Success);
        }
        ModelExporter.Export(model, ModelExporter.Parse(settings.Format), settings.Out!);
        Line($"{settings.Out}: {model.Metadata.Architecture} model {model.Version} as {settings.Format} ({new FileInfo(settings.Out!).Length:N0} bytes)");
        return Task.FromResult(ExitCodes.Success);
    }
}
