using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pneumo.Runtime;

/// <summary>
/// Tunes glibc's allocator for libtorch, once, when Pneumo.Core loads.
/// </summary>
/// <remarks>
/// libtorch allocates and frees tens of megabytes of activations per batch. With glibc's defaults every such block is
/// a fresh mmap and every free an munmap, so the kernel zeroes pages again for each batch: measured here, SZANet
/// trained at 13-15 images/s with most of the time in the kernel, and at 46-60 images/s once large blocks are kept
/// in the heap (no mmap for allocations, no trimming of freed memory). Only the process's own allocator settings
/// change; other platforms and non-glibc systems are left alone.
/// </remarks>
internal static partial class NativeAllocator
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_TOP_PAD = -2;
    private const int M_MMAP_MAX = -4;

    public static bool Tuned { get; private set; }

#pragma warning disable CA2255 // deliberate: the allocator must be tuned before libtorch allocates anything
    [ModuleInitializer]
    internal static void Initialize()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("PNEUMO_DEFAULT_MALLOC") == "1") return;
        try
        {
            Tuned = mallopt(M_MMAP_MAX, 0) == 1
                  & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1
                  & mallopt(M_TOP_PAD, 256 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: nothing to tune
        }
    }

#pragma warning restore CA2255

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
