using System.ComponentModel;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary>
/// <c>pneumo quantize</c>: the model's int8 calibration (<c>int8.json</c> in its folder), made on its own validation
/// images, with the float and int8 graphs compared on all of them; <c>predict</c> and <c>serve</c> then run it with
/// <c>--engine onnx-int8</c>.
/// </summary>
public sealed class QuantizeCommand(Terminal terminal) : PneumoCommand<QuantizeCommand.Settings>(terminal)
{
    public sealed class Settings : ModelDataSettings
    {
        [CommandOption("--calibration <N>"), Description("Validation images to calibrate on (all of them when there are fewer)."), HelpDefault("256")]
        public int? Calibration { get; init; }

        [CommandOption(CommonOptions.Seed), Description("Seed of the draw of the calibration images."), DefaultValue(CommonOptions.DefaultSeed)]
        public int Seed { get; init; } = CommonOptions.DefaultSeed;

        public override ValidationResult Validate()
        {
            if (Calibration is < 1) return ValidationResult.Error("--calibration must be at least 1");
            return base.Validate();
        }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        using var model = ModelDirectory.Load(ModelLocator.Resolve(settings.Model), Warning);
        var ranges = ModelQuantization.Run(model, DataRoot.Resolve(settings.Data), settings.Calibration ?? Int8Export.DefaultCalibrationImages,
                                           settings.Seed, CommandLine(), Line, cancellation);
        var v = ranges.Validation!;
        Line($"{Int8Ranges.PathOf(model)}: {ranges.Ranges.Count} tensor ranges for {model.Metadata.Architecture} model {model.Version}, " +
             $"calibrated ({ranges.CalibrationMethod}) on {ranges.CalibrationImages} validation images");
        Line($"validation ({v.Images} images): AUC float {v.AucFloat:F5}, int8 {v.AucInt8:F5} (change {v.AucChange:+0.00000;-0.00000}; " +
             $"{(v.WithinTolerance ? "within" : "OUTSIDE")} the {Int8Check.MaxAucChange} tolerance); probability change mean {v.MeanAbsoluteChange:F4}, " +
             $"max {v.MaxAbsoluteChange:F4}; {v.LabelsChanged} labels changed at the threshold {model.Metadata.Threshold:F3}");
        Line($"use it: pneumo predict --model {model.Path} --engine onnx-int8 IMAGE (or serve --engine onnx-int8)");
        if (!v.WithinTolerance) Warning($"int8 moves this model's validation AUC by more than {Int8Check.MaxAucChange}: prefer the float engines");
        return Task.FromResult(ExitCodes.Success);
    }
}
