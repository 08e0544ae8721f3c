using System.ComponentModel;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--data</c>: the verbs that work from the dataset without a trained model (train, cv, study).</summary>
public class DataSettings : CommandSettings
{
    [CommandOption(CommonOptions.Data), Description(CommonOptions.DataHelp), HelpDefault("$PNEUMO_DATA")]
    public string? Data { get; init; }
}
