using System.ComponentModel;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--data</c>: the verbs that work from the dataset without a trained model (train, cv, study).</summary>
public class DataSettings : CommandSettings
{
    [CommandOption(CommonOptions.Data), Description(CommonOptions.DataHelp)]
    public string? Data { get; init; }
}
