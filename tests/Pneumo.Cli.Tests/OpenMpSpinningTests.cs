using Pneumo.Runtime;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// libgomp inside the real program reads Pneumo's shorter spin count, or the user's own setting: checked with libgomp's
/// own report of its settings (<c>OMP_DISPLAY_ENV</c>), which it prints when libtorch loads it.
/// </summary>
public class OpenMpSpinningTests
{
    [SkippableTheory]
    [InlineData(null, null, "10000")]
    [InlineData("GOMP_SPINCOUNT", "123", "123")]
    [InlineData("PNEUMO_DEFAULT_SPIN", "1", "300000")]
    public void LibgompReadsTheSpinCountWhenTorchLoads(string? variable, string? value, string expected)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libgomp is libtorch's OpenMP runtime on Linux only");
        using var dir = new TempDir();
        var image = dir.Combine("grey.png");
        var raw = new byte[32 * 33];
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) raw[y * 33 + 1 + x] = (byte)(x * 8);
        File.WriteAllBytes(image, PngWriter.Write(32, 32, 8, 0, raw));
        var environment = new Dictionary<string, string?>
        {
            ["OMP_DISPLAY_ENV"] = "verbose", [OpenMpSpinning.Variable] = null, ["OMP_WAIT_POLICY"] = null, ["PNEUMO_DEFAULT_SPIN"] = null,
        };
        if (variable is not null) environment[variable] = value;

        var r = CliRunner.Run(TestData.RepositoryRoot, environment, "predict", "--model", Path.Combine(TestData.RepositoryRoot, "models", "szanet"), image);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"GOMP_SPINCOUNT = '{expected}'", r.Stderr);
    }
}
