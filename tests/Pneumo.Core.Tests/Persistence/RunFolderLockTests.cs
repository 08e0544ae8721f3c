using Pneumo.Persistence;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Persistence;

/// <summary>One job per run folder: a second acquisition is refused naming the folder and the holder's pid.</summary>
public class RunFolderLockTests
{
    [Fact]
    public void ASecondAcquisitionIsRefusedNamingTheFolderAndTheProcess()
    {
        using var dir = new TempDir();
        using (RunFolderLock.Acquire(dir.Path))
        {
            var e = Assert.Throws<RunFolderLockedException>(() => RunFolderLock.Acquire(dir.Path));
            Assert.StartsWith(dir.Path + ": in use by another pneumo process", e.Message);
            Assert.Contains($"(pid {Environment.ProcessId})", e.Message);
            Assert.Equal(Environment.ProcessId, e.Pid);
            Assert.IsAssignableFrom<UserError>(e);  // the CLI's one-line error with exit code 2
        }
        using (RunFolderLock.Acquire(dir.Path)) { }  // released on dispose
    }

    [Fact]
    public void TrainingAndResumingTakeTheLock()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine(FileNames.Run), "{}");
        using var held = RunFolderLock.Acquire(dir.Path);
        Assert.Throws<RunFolderLockedException>(() => TrainingRun.Resume(dir.Path));
        using var other = new TempDir();
        using var heldOther = RunFolderLock.Acquire(other.Path);
        Assert.Throws<RunFolderLockedException>(() => TrainingRun.Start(new TrainingConfig(), other.Path, other.Path, "test"));
    }

    [Fact]
    public void DifferentFoldersOfOneCrossValidationLockIndependently()
    {
        using var cv = new TempDir();
        using var fold1 = RunFolderLock.Acquire(cv.Combine("fold-1"));
        using var fold2 = RunFolderLock.Acquire(cv.Combine("fold-2"));
        Assert.Throws<RunFolderLockedException>(() => RunFolderLock.Acquire(cv.Combine("fold-1")));
    }
}
