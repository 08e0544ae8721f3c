using System.ComponentModel;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c>: one trained model (export; the base of the verbs that work on a model).</summary>
public class ModelSettings : CommandSettings
{
    [CommandOption(CommonOptions.Model), Description(CommonOptions.ModelHelp), HelpDefault("$PNEUMO_MODEL")]
    public string? Model { get; init; }
}
