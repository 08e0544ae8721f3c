using System.Diagnostics;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// A rebuild must not change a program that is running: Pneumo's own files in an output folder have an inode of their
/// own (build/DetachOwnOutputs.targets), while the large native libraries from the NuGet cache stay hard-linked.
/// </summary>
public class BuildOutputTests
{
    private static int LinkCount(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public void OwnAssembliesAreNotHardLinkedToObjButNativeLibrariesMayBe()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "hard links are made only on Linux here");
        var dir = AppContext.BaseDirectory;
        foreach (var name in new[] { "Pneumo.Core.dll", "pneumo.dll", "Pneumo.Web.dll", "Pneumo.Cli.Tests.dll" })
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) Assert.True(LinkCount(path) == 1, $"{path} shares its inode with another file: a rebuild would change it under a running process");
        }
        Assert.True(File.Exists(Path.Combine(dir, "Pneumo.Core.dll")));
    }
}
