using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pneumo.Runtime;

/// <summary>
/// Shortens how long libtorch's idle OpenMP threads spin, once, when Pneumo.Core loads (before libtorch does).
/// </summary>
/// <remarks>
/// libtorch on Linux runs its parallel operations on libgomp, whose worker threads keep spinning for
/// <c>GOMP_SPINCOUNT</c> iterations (default 300,000) after each parallel region before they sleep. Inside a training
/// step the next region starts within microseconds, so a short spin catches it; between steps, while the loader builds
/// the next batch on every core, the default spin keeps one core busy for milliseconds and the batch takes longer
/// (measured: results/bench/OPTIMIZATIONS.md). Pneumo sets 10,000 unless the user has set <c>GOMP_SPINCOUNT</c> or
/// <c>OMP_WAIT_POLICY</c> themselves; <c>PNEUMO_DEFAULT_SPIN=1</c> keeps libgomp's default. The variable is set in the
/// process's native environment (where libgomp reads it), not only in .NET's copy of it.
/// </remarks>
public static partial class OpenMpSpinning
{
    public const string Variable = "GOMP_SPINCOUNT";

    /// <summary>The spin count Pneumo sets when the user has not chosen one.</summary>
    public const int PneumoSpinCount = 10_000;

    /// <summary>libgomp's own default, when no variable is set.</summary>
    public const int LibgompDefault = 300_000;

    /// <summary>Whether Pneumo set <see cref="Variable"/> in this process.</summary>
    public static bool SetByPneumo { get; private set; }

#pragma warning disable CA2255 // deliberate: libgomp reads its environment once, when libtorch loads it
    [ModuleInitializer]
    internal static void Initialize()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("PNEUMO_DEFAULT_SPIN") == "1") return;
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try
        {
            SetByPneumo = setenv(Variable, PneumoSpinCount.ToString(System.Globalization.CultureInfo.InvariantCulture), 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // no C library environment to set
        }
    }
#pragma warning restore CA2255

    /// <summary>The spin count libgomp reads in this process: the native environment's value, else libgomp's default.</summary>
    public static string InEffect
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return "not libgomp";
            var value = Marshal.PtrToStringUTF8(getenv(Variable));
            return value ?? $"{LibgompDefault} (libgomp default)";
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
