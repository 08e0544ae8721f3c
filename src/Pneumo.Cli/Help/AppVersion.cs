using System.Reflection;

namespace Pneumo.Cli.Help;

/// <summary>What <c>pneumo --version</c> prints: the informational version, and the commit when the build recorded it.</summary>
/// <remarks>
/// The SDK writes the commit into the informational version as <c>1.0.0+&lt;sha&gt;</c> when it builds from a git
/// checkout; that becomes <c>1.0.0 (commit 42a4cd272e4f)</c>. A build without git prints the version alone.
/// </remarks>
public static class AppVersion
{
    public static string Text => Describe(typeof(AppVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>"1.0.0+sha" as "1.0.0 (commit sha12)"; a version without metadata as it is; none as "unknown".</summary>
    public static string Describe(string? informational)
    {
        if (string.IsNullOrWhiteSpace(informational)) return "unknown";
        int plus = informational.IndexOf('+');
        if (plus < 0) return informational;
        string commit = informational[(plus + 1)..];
        return commit.Length == 0 ? informational[..plus] : $"{informational[..plus]} (commit {commit[..Math.Min(12, commit.Length)]})";
    }
}
