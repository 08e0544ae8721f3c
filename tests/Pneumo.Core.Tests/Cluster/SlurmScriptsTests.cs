using Pneumo.Cluster;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Cluster;

public class SlurmScriptsTests
{
    [Fact]
    public void TheTaskScriptAsksForTheResourcesAndRunsTaskIOfTheRun()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Cv, "fold-1", "fold-2", "fold-3");
        var script = File.ReadAllText(ClusterRun.TaskScript(dir.Path));
        Assert.StartsWith("#!/bin/bash\n", script);
        foreach (var line in new[] { "#SBATCH --array=1-3%2", "#SBATCH --cpus-per-task=4", "#SBATCH --partition=cpu", "#SBATCH --time=4:00:00",
                                     "#SBATCH --mem=8G", "#SBATCH --account=lab", "#SBATCH --chdir=/work",
                                     $"#SBATCH --output={dir.Path}/slurm/logs/task-%A_%a.log", "module load dotnet",
                                     $"exec dotnet /opt/pneumo/pneumo.dll cluster task {dir.Path} --index \"$SLURM_ARRAY_TASK_ID\"" })
            Assert.Contains(line + "\n", script);
        // Slurm reads #SBATCH lines only before the first command.
        int lastDirective = script.LastIndexOf("#SBATCH", StringComparison.Ordinal), firstCommand = script.IndexOf("set -euo", StringComparison.Ordinal);
        Assert.True(lastDirective < firstCommand);
        Assert.True(File.GetUnixFileMode(ClusterRun.TaskScript(dir.Path)).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void TheMergeScriptMergesTheRun()
    {
        using var dir = new TempDir();
        FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1", "shard-2");
        var script = File.ReadAllText(ClusterRun.MergeScript(dir.Path));
        Assert.Contains($"exec dotnet /opt/pneumo/pneumo.dll cluster merge {dir.Path}\n", script);
        Assert.DoesNotContain("--array", script);
    }

    [Fact]
    public void ATrainingRunsMergeNamesTheEnsembleCommandAndSaysWhenTheVerbIsMissing()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Train, "seed-1", "seed-2");
        var ensemble = $"ensemble --member {dir.Path}/seed-1 --member {dir.Path}/seed-2 --out {dir.Path}/ensemble";
        var without = SlurmScripts.Merge(plan, dir.Path, ensembleVerb: false);
        Assert.Contains($"dotnet /opt/pneumo/pneumo.dll cluster merge {dir.Path}\n", without);
        Assert.Contains("this pneumo has no ensemble verb", without);
        Assert.Contains("pneumo " + ensemble, without);
        Assert.EndsWith("exit 2\n", without);
        var with = SlurmScripts.Merge(plan, dir.Path, ensembleVerb: true);
        Assert.EndsWith($"exec dotnet /opt/pneumo/pneumo.dll {ensemble}\n", with);
        Assert.DoesNotContain("no ensemble verb", with);
    }

    [Theory]
    [InlineData("plain/path-1.png", "plain/path-1.png")]
    [InlineData("with space", "'with space'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void ShellWordsAreQuotedWhenNeeded(string word, string quoted) => Assert.Equal(quoted, Shell.Quote(word));

    [Fact]
    public void AFolderWithWhitespaceIsRefusedWithOneLine()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UserError>(() => FakeSlurm.Prepare(dir.Combine("a b"), ClusterWorkload.Cv, "fold-1", "fold-2"));
        Assert.Contains("whitespace", e.Message);
    }
}
