using Pneumo.Cluster;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Cluster;

public class ClusterMergeTests
{
    [Fact]
    public void AnIncompleteRunIsRefusedWithOneLineNamingTheUnits()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Cv, "fold-1", "fold-2", "fold-3");
        FakeSlurm.Record(dir.Path, "fold-1", ClusterTaskState.Finished);
        FakeSlurm.Record(dir.Path, "fold-2", ClusterTaskState.Failed, error: "boom");
        var e = Assert.Throws<UserError>(() => ClusterMerge.Check(dir.Path, plan, "abc123"));
        Assert.Equal($"{dir.Path}: incomplete, 2 of 3 units not finished (fold-2 failed, fold-3 not started); see pneumo cluster status {dir.Path}", e.Message);
    }

    [Fact]
    public void MixedCommitsAreRefusedWithOneLine()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1", "shard-2", "shard-3");
        FakeSlurm.Record(dir.Path, "shard-1", ClusterTaskState.Finished, "abc123");
        FakeSlurm.Record(dir.Path, "shard-2", ClusterTaskState.Finished, "def456");
        FakeSlurm.Record(dir.Path, "shard-3", ClusterTaskState.Finished, "abc123-dirty");
        var e = Assert.Throws<UserError>(() => ClusterMerge.Check(dir.Path, plan, "abc123"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("mixed commits (abc123: shard-1, shard-3, this merge; def456: shard-2)", e.Message);
    }

    [Fact]
    public void AMergeOfAnotherCommitThanItsUnitsIsRefused()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1");
        FakeSlurm.Record(dir.Path, "shard-1", ClusterTaskState.Finished, "abc123");
        Assert.Contains("this merge", Assert.Throws<UserError>(() => ClusterMerge.Check(dir.Path, plan, "fff999")).Message);
    }

    [Fact]
    public void ATrainingRunStartedByAnotherCommitThanItsTaskIsRefused()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Train, "seed-1");
        FakeSlurm.Record(dir.Path, "seed-1", ClusterTaskState.Finished, "abc123");
        Json.Write(Path.Combine(dir.Path, "seed-1", FileNames.Run),
                   new RunRecord(new TrainingConfig(), "/data", new Provenance("pneumo train", "0ld0ld", "m", "t", "1")));
        Assert.Contains("0ld0ld: seed-1's training run", Assert.Throws<UserError>(() => ClusterMerge.Check(dir.Path, plan, "abc123")).Message);
    }

    [Fact]
    public void AFinishedRunOfOneCommitPasses()
    {
        using var dir = new TempDir();
        var plan = FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1", "shard-2");
        FakeSlurm.Record(dir.Path, "shard-1", ClusterTaskState.Finished, "abc123-dirty");
        FakeSlurm.Record(dir.Path, "shard-2", ClusterTaskState.Finished, "abc123");
        Assert.Equal(2, ClusterMerge.Check(dir.Path, plan, "abc123").Count);
    }
}
