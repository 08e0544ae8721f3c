using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Cluster;

/// <summary><c>pneumo cluster</c> in-process without Slurm: one-line refusals with exit code 2, and the scripts of <c>--dry-run</c>.</summary>
public class ClusterCommandTests
{
    [Theory]
    [InlineData(new[] { "cluster", "launch" }, "unknown action 'launch': use one of cv, train, predict, status, resume, merge, task")]
    [InlineData(new[] { "cluster", "cv" }, "cluster cv: --out DIR is required")]
    [InlineData(new[] { "cluster", "status" }, "cluster status: give one run folder (pneumo cluster status DIR)")]
    [InlineData(new[] { "cluster", "train", "--out", "x" }, "cluster train: --seeds S,S,... is required")]
    [InlineData(new[] { "cluster", "train", "--out", "x", "--seeds", "1,1" }, "--seeds must be distinct integers separated by commas, e.g. 1,2,3 (got '1,1')")]
    [InlineData(new[] { "cluster", "cv", "--out", "x", "--cpus", "0" }, "--cpus must be at least 1")]
    [InlineData(new[] { "predict", "--shard", "5/4", "x.png" }, "--shard must be K/N with 1 <= K <= N, e.g. 2/8 (got '5/4')")]
    public async Task BadUsageIsOneLineAndExitTwo(string[] args, string message)
    {
        var r = await InProcessCli.RunAsync(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal(["error: " + message], r.ErrorLines);
    }

    [Fact]
    public async Task StatusOfAFolderThatIsNoClusterRunIsOneLine()
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("cluster", "status", dir.Path);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal([$"error: {dir.Path}: not a cluster run (no cluster.json)"], r.ErrorLines);
    }

    [SkippableFact]
    public async Task DryRunOfCvPrintsTheScriptsAndSubmitsNothing()
    {
        using var data = TestData.SmallDataRoot(2, "train");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("cluster", "cv", "--data", data.Path, "--folds", "3", "--epochs", "2", "--out", dir.Path,
                                            "--partition", "short", "--time", "1:00:00", "--mem", "4G", "--sbatch-arg=--qos=low", "--dry-run");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("#SBATCH --array=1-3\n", r.Stdout);
        Assert.Contains("#SBATCH --partition=short\n#SBATCH --time=1:00:00\n#SBATCH --mem=4G\n", r.Stdout);
        Assert.Contains("#SBATCH --qos=low\n", r.Stdout);
        Assert.Contains($"cluster task {dir.Path} --index \"$SLURM_ARRAY_TASK_ID\"", r.Stdout);
        Assert.Contains($"cluster merge {dir.Path}", r.Stdout);
        Assert.Contains("dry run: nothing submitted", r.Stdout);
        var plan = Json.Read<ClusterPlan>(Path.Combine(dir.Path, FileNames.ClusterPlan));
        Assert.Equal(["fold-1", "fold-2", "fold-3"], plan.Units);
        Assert.Empty(plan.Submissions);
        var settings = Json.ReadObject(Path.Combine(dir.Path, FileNames.CrossValidationSettings));
        Assert.Equal(3, (int)settings["folds"]!);
        // Prepared again by a second dry run (or the real submission) with the same settings; another cv is refused.
        Assert.Equal(0, (await InProcessCli.RunAsync("cluster", "cv", "--data", data.Path, "--folds", "3", "--epochs", "2", "--out", dir.Path, "--dry-run")).ExitCode);
        var other = await InProcessCli.RunAsync("cluster", "cv", "--data", data.Path, "--folds", "4", "--out", dir.Path, "--dry-run");
        Assert.Equal(2, other.ExitCode);
        Assert.Single(other.ErrorLines);
    }

    [SkippableFact]
    public async Task DryRunOfTrainChecksTheRecipesAndNamesTheEnsemble()
    {
        using var data = TestData.SmallDataRoot(1, "train");
        using var dir = new TempDir();
        var bad = await InProcessCli.RunAsync("cluster", "train", "--data", data.Path, "--seeds", "1,2", "--recipe=--lrr 1e-4", "--out", dir.Path, "--dry-run");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Equal(["error: --recipe '--lrr 1e-4': Unknown option 'lrr'. Did you mean '--lr'?"], bad.ErrorLines);
        var reserved = await InProcessCli.RunAsync("cluster", "train", "--data", data.Path, "--seeds", "1", "--recipe=--seed 3", "--out", dir.Path, "--dry-run");
        Assert.Equal(2, reserved.ExitCode);
        Assert.Contains("--seed is set by pneumo cluster", reserved.Stderr);

        var r = await InProcessCli.RunAsync("cluster", "train", "--data", data.Path, "--seeds", "1,2", "--recipe=--lr 1e-4", "--recipe=--arch resnet18-frozen",
                                            "--epochs", "3", "--out", dir.Path, "--dry-run");
        Assert.True(r.ExitCode == 0, r.ToString());
        var plan = Json.Read<ClusterPlan>(Path.Combine(dir.Path, FileNames.ClusterPlan));
        Assert.Equal(["recipe-1-seed-1", "recipe-1-seed-2", "recipe-2-seed-1", "recipe-2-seed-2"], plan.Units);
        Assert.Equal(["--data", data.Path, "--threads", "2", "--epochs", "3", "--lr", "1e-4", "--seed", "2"], plan.TrainArguments![1]);
        Assert.Contains("#SBATCH --array=1-4\n", r.Stdout);
        var members = string.Join(' ', plan.Units.Select(u => $"--member {dir.Path}/{u}"));
        // This pneumo has the ensemble verb: the merge job runs it after checking the members.
        Assert.Contains($" ensemble {members} --out {dir.Path}/ensemble", r.Stdout);
        Assert.DoesNotContain("no ensemble verb", r.Stdout);
    }

    [SkippableFact]
    public async Task ATrainingTaskRunsTrainIntoItsUnitAndTheMergeChecksTheMembers()
    {
        using var data = TestData.SmallDataRoot(3, "train");
        using var dir = new TempDir();
        var prepared = await InProcessCli.RunAsync("cluster", "train", "--data", data.Path, "--seeds", "5", "--epochs", "1", "--cpus", "1", "--out", dir.Path, "--dry-run");
        Assert.True(prepared.ExitCode == 0, prepared.ToString());
        var early = await InProcessCli.RunAsync("cluster", "merge", dir.Path);
        Assert.Equal([$"error: {dir.Path}: incomplete, 1 of 1 units not finished (seed-5 not started); see pneumo cluster status {dir.Path}"], early.ErrorLines);

        var task = await InProcessCli.RunAsync("cluster", "task", dir.Path, "--index", "1");
        Assert.True(task.ExitCode == 0, task.ToString());
        var unit = Path.Combine(dir.Path, "seed-5");
        Assert.True(File.Exists(Path.Combine(unit, FileNames.ModelMetadata)));
        Assert.Equal(5, Json.Read<RunRecord>(Path.Combine(unit, FileNames.Run)).Config.Seed);
        var record = Json.Read<ClusterTaskRecord>(Path.Combine(unit, FileNames.ClusterTask));
        Assert.Equal(ClusterTaskState.Finished, record.State);
        var again = await InProcessCli.RunAsync("cluster", "task", dir.Path, "--index", "1");
        Assert.Contains("seed-5: already finished", again.Stdout);

        var merge = await InProcessCli.RunAsync("cluster", "merge", dir.Path);
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Contains("1 training runs finished at one commit: seed-5", merge.Stdout);
        var status = await InProcessCli.RunAsync("cluster", "status", dir.Path);
        Assert.Contains("done: merged results", status.Stdout);
        var outOfRange = await InProcessCli.RunAsync("cluster", "task", dir.Path, "--index", "2");
        Assert.Equal([$"error: --index 2: the cluster run in {dir.Path} has tasks 1 to 1"], outOfRange.ErrorLines);
    }

    [SkippableFact]
    public async Task DryRunOfPredictListsTheInputsOnceInPredictsOrder()
    {
        using var data = TestData.SmallDataRoot(2, "test");
        using var dir = new TempDir();
        var list = Path.Combine(dir.Path, "more.txt");
        File.WriteAllLines(list, ["# a comment", "", "/archive/missing.png"]);
        var model = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        Skip.IfNot(File.Exists(Path.Combine(model, FileNames.ModelMetadata)), "models/szanet is not in this checkout");
        var run = Path.Combine(dir.Path, "run");
        var r = await InProcessCli.RunAsync("cluster", "predict", "--model", model, "--shards", "3", "--list", list, "--out", run, "--dry-run", Path.Combine(data.Path, "test"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var inputs = File.ReadAllLines(Path.Combine(run, FileNames.ClusterInputs));
        Assert.Equal(5, inputs.Length);
        Assert.Equal(inputs[..4].Order(StringComparer.Ordinal), inputs[..4]);
        Assert.Equal("/archive/missing.png", inputs[4]);
        var plan = Json.Read<ClusterPlan>(Path.Combine(run, FileNames.ClusterPlan));
        Assert.Equal(["shard-1", "shard-2", "shard-3"], plan.Units);
        Assert.Equal([model], plan.Models);
        var missingModel = await InProcessCli.RunAsync("cluster", "predict", "--model", dir.Path, "--out", run, "--dry-run", "x.png");
        Assert.Equal([$"error: --model {dir.Path}: not a model directory (no model.json)"], missingModel.ErrorLines);
    }
}
