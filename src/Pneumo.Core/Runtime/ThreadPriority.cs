using System.Runtime.InteropServices;

namespace Pneumo.Runtime;

/// <summary>Lowers the scheduling priority of the calling thread (Linux; elsewhere nothing).</summary>
/// <remarks>
/// Batch preparation runs beside libtorch's compute threads, one per core. At the same priority it takes a core from
/// one of them in the middle of an operation, and the other waits for it; at nice 19 it runs when a core is idle
/// (between operations, in the optimizer's serial parts), and the prefetch queue hides when. .NET's
/// <see cref="Thread.Priority"/> does not change Linux scheduling, hence setpriority on the thread's id.
/// </remarks>
internal static partial class ThreadPriority
{
    private const int PRIO_PROCESS = 0;
    private const long SYS_gettid = 186; // x86_64

    /// <summary>Sets the calling thread's nice value (0..19); false when not possible here.</summary>
    public static bool LowerCurrentThread(int nice = 19)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            int tid = (int)syscall(SYS_gettid);
            return setpriority(PRIO_PROCESS, tid, nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long syscall(long number);

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int setpriority(int which, int who, int prio);
}
