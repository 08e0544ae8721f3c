using Pneumo.Cli;
using Pneumo.Cli.Infrastructure;
using Spectre.Console.Testing;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo VERB --help</c> for every verb, in-process: exit 0 and the option list, never a markup error.</summary>
public class HelpTests
{
    /// <summary>Every verb <c>pneumo --help</c> lists; <see cref="TheTopLevelHelpListsExactlyTheseVerbs"/> keeps it complete.</summary>
    public static readonly string[] Verbs = ["train", "evaluate", "cv", "report", "study", "prune", "audit", "predict", "export", "bench", "serve"];

    public static TheoryData<string> EveryVerb() => new(Verbs);

    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        int exit = await PneumoApp.RunAsync(args, new Terminal(console, new TestConsole()));
        return (exit, console.Output);
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
}
