using System.Runtime.InteropServices;

namespace Pneumo.DicomWorker;

/// <summary>
/// The worker's own limits, set at start: no core files (a dump would hold the patient's data), an address-space budget
/// above what the runtime has mapped at start (a decoder that allocates without end fails here, not in the machine),
/// and CPU time.
/// </summary>
/// <remarks>
/// The worker ends with its parent through its input: the pipe closes when Pneumo exits or dies, and the worker's read
/// returns. (PR_SET_PDEATHSIG is not used: it fires when the thread that started the worker ends, and .NET starts
/// processes from pool threads that retire when idle.)
/// The managed heap has its own bound: Pneumo starts the worker with <c>DOTNET_GCHeapHardLimit</c>. The limits come
/// from the environment that Pneumo sets (<c>PNEUMO_DICOM_WORKER_MEMORY_MB</c>, <c>PNEUMO_DICOM_WORKER_CPU_SECONDS</c>).
/// </remarks>
internal static partial class WorkerLimits
{
    private const int RlimitCpu = 0, RlimitCore = 4, RlimitAs = 9;

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            Set(RlimitCore, 0);
            if (long.TryParse(Environment.GetEnvironmentVariable("PNEUMO_DICOM_WORKER_CPU_SECONDS"), out var cpu) && cpu > 0) Set(RlimitCpu, (ulong)cpu);
            if (long.TryParse(Environment.GetEnvironmentVariable("PNEUMO_DICOM_WORKER_MEMORY_MB"), out var mb) && mb > 0)
                Set(RlimitAs, MappedBytes() + ((ulong)mb << 20));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>The address space mapped now (VmSize), which the budget is added to.</summary>
    private static ulong MappedBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmSize:", StringComparison.Ordinal))
                return ulong.Parse(line[7..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    private static void Set(int resource, ulong value)
    {
        var limit = new Rlimit { Current = value, Max = value };
        _ = SetRlimit(resource, ref limit);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, ref Rlimit limit);
}
