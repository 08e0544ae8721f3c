using Xunit;

namespace Pneumo.Tests;

/// <summary>Files Pneumo writes that hold patient data are the user's alone: the decoded-image store (0700 folders, 0600 files).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivateFilesTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    [SkippableFact]
    public void TheImageStoreIsTheUsersAlone()
    {
        using var data = TestData.SmallDataRoot(3, "test");
        using var work = new TempDir();
        var store = work.Combine("store");
        var r = CliRunner.Run(work.Path, new Dictionary<string, string?> { ["PNEUMO_IMAGE_STORE"] = store }, TimeSpan.FromMinutes(3),
                              "evaluate", "--model", ShippedModel, "--data", data.Path, "--split", "test", "--out", "eval");
        Assert.True(r.ExitCode == 0, r.ToString());
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(store));
        var files = Directory.GetFiles(store, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files) Assert.True(File.GetUnixFileMode(file) == owner, $"{file}: {File.GetUnixFileMode(file)}");
        foreach (var dir in Directory.GetDirectories(store, "*", SearchOption.AllDirectories))
            Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
    }
}
