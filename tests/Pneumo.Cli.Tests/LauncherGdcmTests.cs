using System.Diagnostics;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29, N9: GDCM installed after the first build turns DICOM on at the launcher's next run. A copy of the sources
/// is built by <c>./pneumo</c> as if libgdcm-cil were missing (<c>PNEUMO_GDCM_DIR</c> pointing at an empty folder),
/// refuses a DICOM file saying what to install, then, with the bindings "installed" (the variable unset), is rebuilt
/// and reads the file.
/// </summary>
public class LauncherGdcmTests
{
    [SlowFact]
    public void InstallingGdcmAfterTheFirstBuildTurnsDicomOn()
    {
        var root = DicomTestData.Require();
        Skip.IfNot(OperatingSystem.IsLinux(), "the launcher is a bash script");
        var dicom = DicomTestData.Copies(root, "mono2-jpegls-lossless").First().Path;
        var model = Path.Combine(TestData.RepositoryRoot, "models", "resnet18-full");
        using var temp = new TempDir();
        var copy = temp.Combine("pneumo");
        CopySources(TestData.RepositoryRoot, copy);
        var empty = Directory.CreateDirectory(temp.Combine("no-gdcm")).FullName;

        var without = Launch(copy, empty, "predict", "--model", model, dicom);
        Assert.True(without.ExitCode == 2, without.ToString());
        Assert.Contains("install Debian's libgdcm-cil", without.Stderr);

        var with = Launch(copy, null, "predict", "--model", model, dicom);
        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Contains("\tNORMAL\t", with.Stdout);
    }

    /// <summary>What the launcher builds from: the sources, the build files and the launcher itself (no bin, obj or models).</summary>
    private static void CopySources(string from, string to)
    {
        foreach (var file in new[] { "pneumo", "Directory.Build.props", "Directory.Build.targets" })
        {
            Directory.CreateDirectory(to);
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }
        File.SetUnixFileMode(Path.Combine(to, "pneumo"), File.GetUnixFileMode(Path.Combine(from, "pneumo")));
        foreach (var dir in new[] { "src", "bench", "build" })
            foreach (var file in Directory.GetFiles(Path.Combine(from, dir), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
    }

    private static CliRunner.Result Launch(string copy, string? gdcmDir, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(copy, "pneumo")) { WorkingDirectory = copy, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PNEUMO_MODEL");
        info.Environment.Remove("PNEUMO_GDCM_DIR");
        if (gdcmDir is not null) info.Environment["PNEUMO_GDCM_DIR"] = gdcmDir;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException("the launcher's build did not finish in 10 minutes"); }
        return new CliRunner.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
