using System.ComponentModel;
using Spectre.Console.Cli;

namespace Pneumo.Cli.SharedSettings;

/// <summary><c>--model</c>, <c>--data</c>, <c>--threads</c> and <c>--seed</c> (audit).</summary>
public class ModelSeedSettings : ModelThreadsSettings
{
    [CommandOption(CommonOptions.Seed), Description(CommonOptions.SeedHelp), DefaultValue(CommonOptions.DefaultSeed)]
    public int Seed { get; init; } = CommonOptions.DefaultSeed;
}
