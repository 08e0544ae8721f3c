using Xunit;

namespace Pneumo.Tests.Data;

/// <summary>The tests' decoded-image store is their own, whatever the user's environment names (issue 33).</summary>
public class TestImageStoreTests
{
    [Fact]
    public void TheTestsUseAStoreOfTheirOwnInTheTemporaryFolder()
    {
        var store = Environment.GetEnvironmentVariable("PNEUMO_IMAGE_STORE");
        if (string.Equals(store, "off", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Equal("", TestImageStore.Directory); // images in memory: no store at all
            return;
        }
        Assert.Equal(Path.Combine(Path.GetTempPath(), $"pneumo-test-store-{Environment.ProcessId}"), store);
        Assert.Equal(store, TestImageStore.Directory);
    }
}
