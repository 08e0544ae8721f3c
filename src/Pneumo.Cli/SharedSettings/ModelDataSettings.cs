using System.ComponentModel;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c> and <c>--data</c>: a trained model on the dataset (evaluate).</summary>
public class ModelDataSettings : ModelSettings
{
    [CommandOption(CommonOptions.Data), Description(CommonOptions.DataHelp), HelpDefault("$PNEUMO_DATA")]
    public string? Data { get; init; }
}
