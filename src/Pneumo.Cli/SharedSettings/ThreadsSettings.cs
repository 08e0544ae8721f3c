using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--data</c> and <c>--threads</c>.</summary>
public class ThreadsSettings : DataSettings
{
    [CommandOption(CommonOptions.Threads), Description(CommonOptions.ThreadsHelp), DefaultValue(0)]
    public int Threads { get; init; }

    public override ValidationResult Validate() =>
        CommonOptions.ThreadsProblem(Threads) is { } problem ? ValidationResult.Error(problem) : base.Validate();
}
