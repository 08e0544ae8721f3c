using System.ComponentModel;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c>, repeatable: one model or the mean of several (predict, serve).</summary>
public class EnsembleSettings : CommandSettings
{
    [CommandOption(CommonOptions.Model), Description(CommonOptions.EnsembleHelp), HelpDefault("$PNEUMO_MODEL")]
    public string[] Models { get; init; } = [];
}
