using Xunit;

namespace Pneumo.Tests;

/// <summary>The README's predict example is what the program prints today, with the shipped default model.</summary>
public class ReadmeExampleTests
{
    private const string Command = "./pneumo predict --explain heatmaps ";

    [SkippableFact]
    public void TheReadmesPredictExampleIsTheProgramsOutput()
    {
        Skip.If(Environment.GetEnvironmentVariable("PNEUMO_MODEL") is { Length: > 0 }, "PNEUMO_MODEL is set: the default model is not the shipped one");
        var root = TestData.RepositoryRoot;
        var lines = File.ReadAllLines(Path.Combine(root, "README.md"));
        int at = Array.FindIndex(lines, l => l.StartsWith(Command, StringComparison.Ordinal));
        Assert.True(at >= 0, $"README.md has no line starting with '{Command}'");
        var image = lines[at][Command.Length..].Split(' ')[0];
        Skip.IfNot(File.Exists(Path.Combine(root, image)), $"{image} (the README's example image, relative to the repository) is absent");
        var expected = lines.Skip(at + 1).TakeWhile(l => l.StartsWith("# ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        Assert.NotEmpty(expected);

        using var maps = new TempDir();
        var r = CliRunner.Run(root, "predict", "--explain", maps.Path, image);
        Assert.True(r.ExitCode == 0, r.ToString());
        var actual = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace(maps.Path, "heatmaps")).ToList();
        Assert.Equal(expected, actual);
    }
}
