using System.ComponentModel;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--data</c>, <c>--threads</c> and <c>--seed</c>: the verbs that train (train, cv, study).</summary>
public class SeedSettings : ThreadsSettings
{
    [CommandOption(CommonOptions.Seed), Description(CommonOptions.SeedHelp), DefaultValue(CommonOptions.DefaultSeed)]
    public int Seed { get; init; } = CommonOptions.DefaultSeed;
}
