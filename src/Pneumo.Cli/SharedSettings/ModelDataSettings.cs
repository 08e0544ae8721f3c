using System.ComponentModel;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c> and <c>--data</c>: a trained model on the dataset (evaluate).</summary>
public class ModelDataSettings : ModelSettings
{
    [CommandOption(CommonOptions.Data), Description(CommonOptions.DataHelp)]
    public string? Data { get; init; }
}
