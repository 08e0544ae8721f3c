using System.ComponentModel;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c>, repeatable: one model or the mean of several (predict, serve).</summary>
public class EnsembleSettings : CommandSettings
{
    [CommandOption(CommonOptions.Model), Description(CommonOptions.EnsembleHelp)]
    public string[] Models { get; init; } = [];
}
