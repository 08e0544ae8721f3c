using System.Runtime.CompilerServices;

namespace Pneumo.Tests;

/// <summary>
/// Every test process gets its own decoded-image store (<c>PNEUMO_IMAGE_STORE</c>) in the temporary folder, deleted when
/// it exits: tests do not fill the user's cache folder (or a store the user's <c>PNEUMO_IMAGE_STORE</c> names) with stores
/// of their temporary data roots, and the programs they start inherit it.
/// </summary>
internal static class TestImageStore
{
    public static string Directory { get; private set; } = "";

#pragma warning disable CA2255 // a module initializer in a test assembly: it must run before any test
    [ModuleInitializer]
    internal static void Initialize()
#pragma warning restore CA2255
    {
        // The user's own store is never written to, even when PNEUMO_IMAGE_STORE names it (issue 33); "off" (images in
        // memory) is the one setting kept, since it changes no file.
        if (string.Equals(Environment.GetEnvironmentVariable("PNEUMO_IMAGE_STORE"), "off", StringComparison.OrdinalIgnoreCase)) return;
        // A test host that is killed (or ends without its exit handlers) leaves its store: the next test run deletes it.
        foreach (var stale in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), "pneumo-test-store-*"))
        {
            if (int.TryParse(Path.GetFileName(stale)["pneumo-test-store-".Length..], out var pid) && !System.IO.Directory.Exists($"/proc/{pid}")
                && System.IO.Directory.Exists("/proc"))
                try { System.IO.Directory.Delete(stale, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        Directory = Path.Combine(Path.GetTempPath(), $"pneumo-test-store-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("PNEUMO_IMAGE_STORE", Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        };
    }
}
