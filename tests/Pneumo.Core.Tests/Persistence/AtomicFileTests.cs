using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

/// <summary>An atomic write that fails (issue 29 N10: a full disk) names the file asked for, never its temporary, and leaves nothing behind.</summary>
public class AtomicFileTests
{
    [Fact]
    public void AFailedWriteNamesTheTargetKeepsTheErrorCodeAndLeavesNoTemporary()
    {
        using var dir = new TempDir();
        var path = dir.Combine("metrics.json");
        // What .NET throws on Linux for ENOSPC (errno 28), naming the file it was writing.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, tmp => throw new IOException($"No space left on device : '{tmp}'", 28)));
        Assert.Equal($"No space left on device : '{path}'", e.Message);
        Assert.Equal(28, e.HResult);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
