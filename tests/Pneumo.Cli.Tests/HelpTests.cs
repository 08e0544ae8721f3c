using Pneumo.Cli;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Spectre.Console.Testing;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo VERB --help</c> for every verb, in-process: exit 0 and the option list, never a markup error.</summary>
public class HelpTests
{
    /// <summary>Every verb <c>pneumo --help</c> lists; <see cref="TheTopLevelHelpListsExactlyTheseVerbs"/> keeps it complete.</summary>
    public static readonly string[] Verbs = ["train", "evaluate", "calibrate", "ensemble", "cv", "report", "study", "prune", "audit", "predict", "export", "quantize", "bench", "serve", "cluster"];

    public static TheoryData<string> EveryVerb() => new(Verbs);

    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var (exit, output, _) = await RunWithErrors(args);
        return (exit, output);
    }

    private static async Task<(int Exit, string Output, string Error)> RunWithErrors(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var error = new TestConsole();
        int exit = await PneumoApp.RunAsync(args, new Terminal(console, error));
        return (exit, console.Output, error.Output);
    }

    [Theory, MemberData(nameof(EveryVerb))]
    public async Task HelpForEveryVerbWorksAndListsTheOptions(string verb)
    {
        var (exit, output) = await Run(verb, "--help");
        Assert.True(exit == 0, $"pneumo {verb} --help exited {exit}:\n{output}");
        Assert.Contains("OPTIONS:", output);
        Assert.Contains("-h, --help", output);
        Assert.DoesNotContain("malformed", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TrainHelpShowsTheBracketedShapesLiterally()
    {
        var (exit, output) = await Run("train", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--backbone-input", output);
        Assert.Contains("[N,3,S,S]", output);
        Assert.Contains("[N,C,h,w]", output);
        Assert.Contains("[1-R, 1+R]", output);
    }

    [Fact]
    public async Task TheTopLevelHelpListsExactlyTheseVerbs()
    {
        var (exit, output) = await Run("--help");
        Assert.Equal(0, exit);
        var commands = output[(output.IndexOf("COMMANDS:", StringComparison.Ordinal) + "COMMANDS:".Length)..]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')[0])
            .Where(w => w.Length > 0 && w.All(char.IsAsciiLetterLower))
            .ToHashSet();
        Assert.Equal(Verbs.Order(), commands.Order());
    }

    [Fact]
    public async Task TheRootHelpSaysEveryArchitectureCanBeTrained()
    {
        var (exit, output) = await Run("--help");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("(SZANet)", output);
        Assert.Contains("Train a model of any architecture", output);
    }

    [Fact]
    public async Task VersionPrintsTheVersionAndTheCommitAndExitsZero()
    {
        var (exit, output, error) = await RunWithErrors("--version");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal(AppVersion.Text, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Theory]
    [InlineData("1.0.0+42a4cd272e4fc105a8be1a06f852438179619ab4", "1.0.0 (commit 42a4cd272e4f)")]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData(null, "unknown")]
    public void TheVersionNamesTheCommitTheBuildRecorded(string? informational, string expected) =>
        Assert.Equal(expected, AppVersion.Describe(informational));

    [Theory]
    [InlineData(new[] { "trian" }, "Did you mean 'train'?")]
    [InlineData(new[] { "train", "--epoch", "3" }, "Did you mean '--epochs'?")]
    [InlineData(new[] { "study", "--bootstrp", "3" }, "Did you mean '--bootstrap'?")]
    [InlineData(new[] { "--verison" }, "Did you mean '--version'?")]
    public async Task ATypoGetsOneLineWithASuggestionAndExitTwo(string[] args, string suggestion)
    {
        var (exit, _, error) = await RunWithErrors(args);
        Assert.Equal(2, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.EndsWith(suggestion, lines[0].TrimEnd());
    }

    [Fact]
    public async Task AWordFarFromEveryNameGetsNoSuggestion()
    {
        var (exit, _, error) = await RunWithErrors("train", "--zzzzzzzz", "3");
        Assert.Equal(2, exit);
        Assert.DoesNotContain("Did you mean", error);
    }

    [Theory]
    [InlineData("train", "--epochs <N>", "30")]
    [InlineData("train", "--center-crop <F>", "1")]
    [InlineData("train", "--threshold-rule <R>", "youden")]
    [InlineData("train", "--batch-size <N>", "32")]
    [InlineData("study", "--epochs <N>", "30 (quick 2)")]
    [InlineData("study", "--limit <N>", "all (quick 60)")]
    [InlineData("study", "--bootstrap <N>", "2000 (quick 200)")]
    public async Task TheDefaultColumnShowsEveryDefault(string verb, string option, string shown)
    {
        var (exit, output) = await Run(verb, "--help");
        Assert.Equal(0, exit);
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith(option, StringComparison.Ordinal));
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(option)}\s+{System.Text.RegularExpressions.Regex.Escape(shown)}\s+\S", line);
    }

    [Fact]
    public async Task BatchSizeHasADescription()
    {
        var (_, output) = await Run("train", "--help");
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith("--batch-size", StringComparison.Ordinal));
        Assert.Contains("Images per training step", line);
    }

    [Fact]
    public async Task HelpIsBoundedByTheHelpWidthOnAWideConsole()
    {
        var console = new TestConsole();
        console.Profile.Width = 4096;
        int exit = await PneumoApp.RunAsync(["train", "--help"], new Terminal(console, new TestConsole(), HelpWidth: Terminal.RedirectedHelpWidth));
        Assert.Equal(0, exit);
        var longest = console.Output.Split('\n').Max(l => l.TrimEnd('\r').Length);
        Assert.True(longest <= Terminal.RedirectedHelpWidth, $"longest help line: {longest} characters");
    }

    [Fact]
    public void RedirectedHelpHasNoLineOver120Characters()
    {
        var result = CliRunner.Run(Path.GetTempPath(), "train", "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        var longest = result.Stdout.Split('\n').MaxBy(l => l.TrimEnd('\r').Length)!;
        Assert.True(longest.TrimEnd('\r').Length <= 120, $"{longest.Length} characters: {longest}");
        Assert.Contains("--epochs", result.Stdout);
    }
}
