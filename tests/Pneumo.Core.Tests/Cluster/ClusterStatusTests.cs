using Pneumo.Cluster;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Cluster;

public class ClusterStatusTests
{
    /// <summary>fold-1 finished, fold-2 failed, fold-3 killed (record says running, Slurm says TIMEOUT), fold-4 running, fold-5 lost.</summary>
    private static (TempDir Dir, FakeSlurm Slurm) SubmittedRun()
    {
        var dir = new TempDir();
        FakeSlurm.Prepare(dir.Path, ClusterWorkload.Cv, "fold-1", "fold-2", "fold-3", "fold-4", "fold-5");
        var ids = new Queue<string>(["12", "13"]);
        var slurm = new FakeSlurm { Sbatch = _ => new(0, ids.Dequeue() + "\n", "") };
        ClusterRun.Submit(dir.Path, new SlurmClient(slurm));
        FakeSlurm.Record(dir.Path, "fold-1", ClusterTaskState.Finished);
        FakeSlurm.Record(dir.Path, "fold-2", ClusterTaskState.Failed, error: "fold-2: no space left on device");
        FakeSlurm.Record(dir.Path, "fold-3", ClusterTaskState.Running);
        FakeSlurm.Record(dir.Path, "fold-4", ClusterTaskState.Running);
        slurm.Squeue = "12_4|RUNNING|None\n13|PENDING|DependencyNeverSatisfied\n";
        slurm.Scontrol = "JobId=15 ArrayJobId=12 ArrayTaskId=3 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n" +
                         "JobId=16 ArrayJobId=12 ArrayTaskId=5 JobState=COMPLETED Reason=None ExitCode=0:0\n";
        return (dir, slurm);
    }

    [Fact]
    public void EachUnitsStateComesFromItsRecordAndSlurm()
    {
        var (dir, slurm) = SubmittedRun();
        using var _ = dir;
        var status = ClusterStatus.Read(dir.Path, new SlurmClient(slurm));
        Assert.Equal([UnitState.Finished, UnitState.Failed, UnitState.Killed, UnitState.Running, UnitState.Lost], status.Units.Select(u => u.State));
        Assert.Contains("no space left on device", status.Units[1].Detail);
        Assert.Contains("TIMEOUT", status.Units[2].Detail);
        Assert.Equal("12_3", status.Units[2].Job);
        Assert.Equal(Path.Combine(dir.Path, "slurm/logs/task-12_3.log"), status.Units[2].Log);
        Assert.Equal(UnitState.Pending, status.Merge.State);
        Assert.Equal(["fold-2", "fold-3", "fold-5"], status.ToResubmit.Select(u => u.Unit));
        Assert.False(status.Done);
    }

    [Fact]
    public void WhatTheControllerForgotIsAskedOfTheAccounting()
    {
        var (dir, slurm) = SubmittedRun();
        using var _ = dir;
        slurm.Scontrol = "";
        slurm.Sacct = "12_3|OUT_OF_MEMORY|0:125\n12_5|FAILED|127:0\n";
        var status = ClusterStatus.Read(dir.Path, new SlurmClient(slurm));
        Assert.Contains("Slurm: OUT_OF_MEMORY, exit 0:125", status.Units[2].Detail);
        Assert.Equal(UnitState.Failed, status.Units[4].State);
        Assert.Contains("Slurm: FAILED, exit 127:0", status.Units[4].Detail);
        Assert.Contains(slurm.Calls, c => c.Program == "sacct" && c.Arguments.SequenceEqual(["-n", "-P", "-X", "-j", "12", "--format=JobID,State,ExitCode"]));
    }

    [Fact]
    public void ResumeSubmitsTheBadUnitsAloneCancelsTheStuckMergeAndMergesAfterEverything()
    {
        var (dir, slurm) = SubmittedRun();
        using var _ = dir;
        var ids = new Queue<string>(["20", "21"]);
        slurm.Sbatch = _ => new(0, ids.Dequeue() + "\n", "");
        var submission = ClusterRun.Resume(dir.Path, new SlurmClient(slurm));
        Assert.NotNull(submission);
        Assert.Equal([2, 3, 5], submission!.Indices);
        Assert.Contains(slurm.Calls, c => c.Program == "scancel" && c.Arguments.SequenceEqual(["13"]));
        Assert.Equal($"--parsable --array=2,3,5%2 {ClusterRun.TaskScript(dir.Path)}", slurm.SbatchCalls[^2]);
        Assert.Equal($"--parsable --dependency=afterok:20,afterany:12 {ClusterRun.MergeScript(dir.Path)}", slurm.SbatchCalls[^1]);
        var plan = ClusterRun.Load(dir.Path);
        Assert.Equal(["12", "20"], plan.Submissions.Select(s => s.ArrayJob));
        // The resubmitted units are now looked up under the new array job.
        slurm.Squeue = "20_2|PENDING|Resources\n";
        Assert.Equal("20_2", ClusterStatus.Read(dir.Path, new SlurmClient(slurm)).Units[1].Job);
    }

    [Fact]
    public void AFinishedAndMergedRunIsDoneAndResumeSubmitsNothing()
    {
        using var dir = new TempDir();
        FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1", "shard-2");
        FakeSlurm.Record(dir.Path, "shard-1", ClusterTaskState.Finished);
        FakeSlurm.Record(dir.Path, "shard-2", ClusterTaskState.Finished);
        Json.Write(Path.Combine(dir.Path, FileNames.ClusterMerge), new ClusterTaskRecord
        {
            Index = 0, Unit = "merge", State = ClusterTaskState.Finished, Commit = "abc123", Host = "n", ProcessStartedUtc = "2026-01-01T02:00:00.000Z",
            StartedUtc = "2026-01-01T02:00:00.000Z", FinishedUtc = "2026-01-01T02:00:01.000Z",
        });
        var slurm = new FakeSlurm();
        var status = ClusterStatus.Read(dir.Path, new SlurmClient(slurm));
        Assert.True(status.Done);
        Assert.All(status.Units, u => Assert.Equal(UnitState.Finished, u.State));
        Assert.Null(ClusterRun.Resume(dir.Path, new SlurmClient(slurm)));
        Assert.Empty(slurm.SbatchCalls);
    }

    [Fact]
    public void AMergeOlderThanAUnitIsNotCurrent()
    {
        using var dir = new TempDir();
        FakeSlurm.Prepare(dir.Path, ClusterWorkload.Predict, "shard-1");
        FakeSlurm.Record(dir.Path, "shard-1", ClusterTaskState.Finished, finished: "2026-01-01T03:00:00.000Z");
        Json.Write(Path.Combine(dir.Path, FileNames.ClusterMerge), new ClusterTaskRecord
        {
            Index = 0, Unit = "merge", State = ClusterTaskState.Finished, Commit = "abc123", Host = "n", ProcessStartedUtc = "2026-01-01T02:00:00.000Z",
            StartedUtc = "2026-01-01T02:00:00.000Z", FinishedUtc = "2026-01-01T02:00:01.000Z",
        });
        Assert.False(ClusterStatus.Read(dir.Path, null).Done);
    }
}
