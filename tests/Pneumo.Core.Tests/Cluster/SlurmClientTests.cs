using Pneumo.Cluster;
using Xunit;

namespace Pneumo.Tests.Cluster;

public class SlurmClientTests
{
    [Fact]
    public void SubmitReturnsTheJobIdOfParsableOutput()
    {
        var fake = new FakeSlurm { Sbatch = _ => new(0, "4242;cluster\n", "") };
        Assert.Equal("4242", new SlurmClient(fake).Submit("/r/tasks.sbatch", "2,5%2", "afterok:7"));
        Assert.Equal(["--parsable --array=2,5%2 --dependency=afterok:7 /r/tasks.sbatch"], fake.SbatchCalls);
    }

    [Fact]
    public void ARefusedSubmissionIsOneLineWithSlurmsReason()
    {
        var fake = new FakeSlurm { Sbatch = _ => new(1, "", "sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed\n") };
        var e = Assert.Throws<UserError>(() => new SlurmClient(fake).Submit("/r/tasks.sbatch"));
        Assert.Equal("sbatch /r/tasks.sbatch: sbatch: error: invalid partition specified: gpu", e.Message);
    }

    [Fact]
    public void TheQueueIsReadOneArrayTaskALine()
    {
        var fake = new FakeSlurm { Squeue = "12_1|RUNNING|None\n12_3|PENDING|Resources\n13|PENDING|Dependency\n" };
        var queue = new SlurmClient(fake).Queue(["12", "13"]);
        Assert.Equal([new SlurmJob("12_1", "RUNNING", "None"), new SlurmJob("12_3", "PENDING", "Resources"), new SlurmJob("13", "PENDING", "Dependency")], queue);
        Assert.Equal(["-h", "-r", "-j", "12,13", "-o", "%i|%T|%r"], fake.Calls.Single().Arguments);
    }

    [Fact]
    public void ScontrolsLineGivesTheArrayTaskStateAndExitCode()
    {
        var job = SlurmClient.ParseShowLine("JobId=14 ArrayJobId=12 ArrayTaskId=2 JobName=pneumo-cv UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0");
        Assert.Equal(new SlurmJob("12_2", "FAILED", "NonZeroExitCode", "1:0"), job);
        Assert.False(job!.Queued);
        Assert.Null(SlurmClient.ParseShowLine("No jobs in the system"));
    }
}
