using System.Diagnostics;
using System.Text.Json.Nodes;
using Pneumo.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Cluster;

/// <summary>
/// <c>pneumo cluster</c> against a real Slurm (a one-node cluster started for these tests): a 3-fold cross-validation
/// through Slurm gives what the same <c>pneumo cv</c> gives on one machine, prediction for prediction, and a sharded
/// prediction what one <c>pneumo predict</c> gives, with a shard deleted and resumed alone. Skipped, with the reason,
/// where Slurm cannot start.
/// </summary>
public sealed class SlurmIntegrationTests(OneNodeSlurm slurm, ITestOutputHelper output) : IClassFixture<OneNodeSlurm>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    [SlowFact]
    public void CrossValidationThroughSlurmEqualsTheSameRunOnOneMachine()
    {
        Skip.If(slurm.Conf is null, slurm.SkipReason);
        using var data = TestData.SmallDataRoot(6, "train", "test");
        using var work = new TempDir();
        var options = new[] { "--data", data.Path, "--folds", "3", "--epochs", "1", "--seed", "7", "--bootstrap", "200" };
        var clock = Stopwatch.StartNew();
        var submit = Pneumo(work.Path, ["cluster", "cv", .. options, "--cpus", "1", "--out", work.Combine("cluster")]);
        Assert.True(submit.ExitCode == 0, submit.ToString());
        WaitForMerge(work.Combine("cluster"));
        output.WriteLine($"through Slurm: {clock.Elapsed.TotalSeconds:F0} s");
        clock.Restart();
        var local = Pneumo(work.Path, ["cv", .. options, "--threads", "1", "--out", work.Combine("local")]);
        Assert.True(local.ExitCode == 0, local.ToString());
        output.WriteLine($"locally: {clock.Elapsed.TotalSeconds:F0} s");

        foreach (var file in new[] { "fold-1/validation_predictions.csv", "fold-2/validation_predictions.csv", "fold-3/validation_predictions.csv",
                                     "fold-1/test/predictions.csv", "fold-2/test/predictions.csv", "fold-3/test/predictions.csv",
                                     "out-of-fold/predictions.csv", "ensemble/predictions.csv", "fold-1/split.csv", "fold-2/split.csv", "fold-3/split.csv" })
            Assert.True(File.ReadAllText(work.Combine("cluster", file)) == File.ReadAllText(work.Combine("local", file)), $"{file} differs");
        foreach (var fold in new[] { "fold-1", "fold-2", "fold-3" })  // every number of every epoch but its duration
            Assert.Equal(WithoutTimes(work.Combine("local", fold, FileNames.History)), WithoutTimes(work.Combine("cluster", fold, FileNames.History)));
        var cluster = Json.ReadObject(work.Combine("cluster", FileNames.CrossValidationSummary));
        var single = Json.ReadObject(work.Combine("local", FileNames.CrossValidationSummary));
        Assert.True((bool)cluster["complete"]!);
        foreach (var key in new[] { "finished", "validation_across_folds", "test_across_folds", "out_of_fold_auc", "ensemble", "ensemble_intervals" })
            Assert.True(JsonNode.DeepEquals(cluster[key], single[key]), $"cv.json's {key} differs:\n{cluster[key]}\n{single[key]}");

        var status = Pneumo(work.Path, ["cluster", "status", work.Combine("cluster")]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("done: merged results", status.Stdout);
    }

    [SlowFact]
    public void AShardedPredictionEqualsOnePredictAndAShardResumesAlone()
    {
        Skip.If(slurm.Conf is null, slurm.SkipReason);
        using var data = TestData.SmallDataRoot(4, "test");
        using var work = new TempDir();
        var model = TinyModel(work.Combine("model"));
        var images = Path.Combine(data.Path, "test");
        var damaged = work.Combine("inputs", "damaged.jpeg");
        Directory.CreateDirectory(Path.GetDirectoryName(damaged)!);
        File.WriteAllBytes(damaged, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F']);
        var missing = work.Combine("inputs", "missing.png");
        File.WriteAllLines(work.Combine("list.txt"), [damaged, missing]);

        var run = work.Combine("run");
        var submit = Pneumo(work.Path, ["cluster", "predict", "--model", model, "--shards", "3", "--cpus", "1", "--list", work.Combine("list.txt"), "--out", run, images]);
        Assert.True(submit.ExitCode == 0, submit.ToString());
        WaitForMerge(run);
        var one = Pneumo(work.Path, ["predict", "--model", model, "--format", "csv", images, damaged, missing]);
        Assert.True(one.ExitCode == 2, one.ToString());  // predict's exit code for bad files
        var merged = File.ReadAllText(Path.Combine(run, FileNames.Predictions));
        Assert.Equal(one.Stdout.ReplaceLineEndings("\n"), merged);
        var failures = File.ReadAllLines(Path.Combine(run, FileNames.ClusterFailures));
        Assert.Equal(3, failures.Length);
        Assert.StartsWith(damaged, failures[1]);
        Assert.StartsWith(missing, failures[2]);
        Assert.Equal(2, one.ErrorLines.Count(l => l.StartsWith("error: ", StringComparison.Ordinal)));

        // A lost shard is submitted again alone, and the merge after it gives the same file.
        var shard = Path.Combine(run, FileNames.Shard(2));
        Directory.Delete(shard, recursive: true);
        File.Delete(Path.Combine(run, FileNames.Predictions));
        var status = Pneumo(work.Path, ["cluster", "status", run]);
        Assert.Contains("to resume: pneumo cluster resume", status.Stdout);
        var resume = Pneumo(work.Path, ["cluster", "resume", run]);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("submitted shard-2 as array job", resume.Stdout);
        WaitForMerge(run, after: 1);
        Assert.Equal(merged, File.ReadAllText(Path.Combine(run, FileNames.Predictions)));
        Assert.Equal(2, Json.Read<ClusterPlan>(Path.Combine(run, FileNames.ClusterPlan)).Submissions.Count);
    }

    /// <summary>A history.csv without the columns that time the epoch (seconds, images_per_second).</summary>
    private static List<string> WithoutTimes(string history)
    {
        var lines = File.ReadAllLines(history).Select(l => l.Split(',')).ToList();
        var keep = lines[0].Select((name, i) => (name, i)).Where(c => c.name is not ("seconds" or "images_per_second")).Select(c => c.i).ToList();
        Assert.Equal(lines[0].Length - 2, keep.Count);
        return lines.Select(f => string.Join(',', keep.Select(i => f[i]))).ToList();
    }

    /// <summary>A one-epoch SZANet on a few training images: a model to predict with (not a shipped one).</summary>
    private string TinyModel(string dir)
    {
        using var trainData = TestData.SmallDataRoot(6, "train");
        var r = Pneumo(Path.GetTempPath(), ["train", "--data", trainData.Path, "--epochs", "1", "--threads", "1", "--out", dir]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return dir;
    }

    private CliRunner.Result Pneumo(string workingDirectory, string[] args)
    {
        var r = CliRunner.Run(workingDirectory, new Dictionary<string, string?> { ["SLURM_CONF"] = slurm.Conf }, TimeSpan.FromMinutes(10), args);
        output.WriteLine($"$ pneumo {string.Join(' ', args)}\n{r}");
        return r;
    }

    /// <summary>Waits for the merge record of <paramref name="run"/> (a newer one than the <paramref name="after"/>-th submission's start); fails with the logs when a job failed.</summary>
    private void WaitForMerge(string run, int after = 0)
    {
        var record = Path.Combine(run, FileNames.ClusterMerge);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            var plan = Json.Read<ClusterPlan>(Path.Combine(run, FileNames.ClusterPlan));
            if (File.Exists(record) && string.CompareOrdinal(Json.Read<ClusterTaskRecord>(record).StartedUtc, plan.Submissions[after].SubmittedUtc) > 0) return;
            var logs = Directory.GetFiles(Path.Combine(run, FileNames.ClusterLogs));
            var failed = Directory.GetDirectories(run).Select(d => Path.Combine(d, FileNames.ClusterTask)).Where(File.Exists)
                .Select(Json.Read<ClusterTaskRecord>).FirstOrDefault(t => t.State == ClusterTaskState.Failed);
            if (failed is not null) Assert.Fail($"{failed.Unit} failed: {failed.Error}\n{string.Join("\n", logs.Select(File.ReadAllText))}");
            Thread.Sleep(2000);
        }
        Assert.Fail($"no merge in {Patience.TotalMinutes} minutes\n{string.Join("\n", Directory.GetFiles(Path.Combine(run, FileNames.ClusterLogs)).Select(File.ReadAllText))}\n{slurm.Logs}");
    }
}
