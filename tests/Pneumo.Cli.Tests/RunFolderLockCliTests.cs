using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests;

/// <summary>A run folder held by one process: <c>pneumo train --resume</c> in another stops with one line and exit 2.</summary>
public class RunFolderLockCliTests
{
    [Fact]
    public void ASecondProcessOnALockedRunFolderGetsOneLineNamingTheHolderAndExitTwo()
    {
        using var dir = new TempDir();
        var run = dir.Combine("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "run.json"), "{}");
        using (RunFolderLock.Acquire(run))
        {
            var r = CliRunner.Run(dir.Path, "train", "--resume", "run");
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.ErrorLines);
            Assert.Equal($"error: run: in use by another pneumo process (pid {Environment.ProcessId}); wait for it to end or use another folder", line.TrimEnd('\r'));
        }
        // Released with its holder: the next process gets past the lock (and stops at the empty run.json instead).
        var after = CliRunner.Run(dir.Path, "train", "--resume", "run");
        Assert.DoesNotContain("in use by another", after.Stderr);
    }
}
