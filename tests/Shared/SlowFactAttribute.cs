using Xunit;
using Xunit.Sdk;

namespace Pneumo.Tests;

/// <summary>
/// A slow end-to-end test (a whole study, cross-validation through Slurm, the fuzz corpus through the real program):
/// run by <c>.ci/run</c>, which sets <c>PNEUMO_SLOW_TESTS=1</c>, and skipped with <see cref="Reason"/> by a plain
/// <c>dotnet test</c>, so that a newcomer's run stays under five minutes. May skip dynamically too (<c>Skip.If</c>).
/// </summary>
[XunitTestCaseDiscoverer("Xunit.Sdk.SkippableFactDiscoverer", "Xunit.SkippableFact")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SlowFactAttribute : FactAttribute
{
    public const string Variable = "PNEUMO_SLOW_TESTS";

    public const string Reason = "slow end-to-end test: .ci/run runs it; PNEUMO_SLOW_TESTS=1 dotnet test runs it too";

    /// <summary>True when slow tests run (<c>PNEUMO_SLOW_TESTS=1</c>).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public SlowFactAttribute()
    {
        if (!Enabled) Skip = Reason;
    }
}
