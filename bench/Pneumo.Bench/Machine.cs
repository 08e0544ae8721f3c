using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pneumo.Bench;

/// <summary>What the CPU can do in float32: its theoretical peak from /proc/cpuinfo, and a measured FMA loop.</summary>
public static class Machine
{
    /// <summary>
    /// Peak = cores x clock x FMA units x float32 lanes x 2 (an FMA is two operations). The clock is the nominal one
    /// that /proc/cpuinfo reports (a VM shows no boost clock); lanes follow the widest vector ISA (AVX-512: 16,
    /// AVX2: 8, else 4); two FMA pipes per core, as on every x86 server core with AVX-512 or AVX2 of the last decade
    /// (AMD Zen 5 executes full 512-bit FMAs on both; Zen 4 splits them, which halves its real peak).
    /// </summary>
    public static MachineInfo Describe(int threads)
    {
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        string Field(string name) => cpuinfo.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        var flags = Field("flags").Split(' ').ToHashSet();
        double ghz = double.TryParse(Field("cpu MHz"), System.Globalization.CultureInfo.InvariantCulture, out var mhz) ? mhz / 1000 : 0;
        var (simd, lanes) = flags.Contains("avx512f") ? ("AVX-512", 16) : flags.Contains("avx2") ? ("AVX2", 8) : ("SSE", 4);
        int fmaUnits = flags.Contains("fma") || simd == "AVX-512" ? 2 : 1;
        int cores = Environment.ProcessorCount;
        double peak = cores * ghz * fmaUnits * lanes * 2;
        string family = Field("cpu family");
        string cpu = $"{Field("model name")} (family {family}, model {Field("model")})";
        return new MachineInfo(cpu, cores, Math.Round(ghz, 3), simd, lanes, fmaUnits, flags.Contains("avx512_bf16"),
            Math.Round(peak, 1), $"{cores} cores x {ghz:F3} GHz x {fmaUnits} FMA units x {lanes} float32 lanes ({simd}) x 2 flops per FMA",
            Math.Round(MeasureFma(threads > 0 ? threads : cores), 1),
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    /// <summary>
    /// GFLOP/s of independent float32 FMA chains on every thread for about half a second (a practical ceiling): the best
    /// of three such rounds, so that one slow round does not set the ceiling (a bench started right after a build read
    /// 125 GFLOP/s in its single round where the quiet machine reads 214-231).
    /// </summary>
    public static double MeasureFma(int threads, double seconds = 0.5) =>
        Enumerable.Range(0, 3).Max(_ => MeasureFmaOnce(threads, seconds));

    private static double MeasureFmaOnce(int threads, double seconds)
    {
        long Run(long iterations)
        {
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return Fma512(iterations);
            if (Fma.IsSupported) return Fma256(iterations);
            return 0;
        }
        Run(100_000); // JIT
        var clock = Stopwatch.StartNew();
        long flops = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            long done = 0;
            var own = Stopwatch.StartNew();
            while (own.Elapsed.TotalSeconds < seconds) done += Run(2_000_000);
            Interlocked.Add(ref flops, done);
        });
        return flops / clock.Elapsed.TotalSeconds / 1e9;
    }

    // 12 independent accumulators hide the FMA latency (4 cycles) on 2 pipes. Fully optimised from the first call (no tiering).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Fma512(long iterations)
    {
        var a = Vector512.Create(1.000001f);
        var b = Vector512.Create(0.999999f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
                         c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(a, c0, b); c1 = Avx512F.FusedMultiplyAdd(a, c1, b);
            c2 = Avx512F.FusedMultiplyAdd(a, c2, b); c3 = Avx512F.FusedMultiplyAdd(a, c3, b);
            c4 = Avx512F.FusedMultiplyAdd(a, c4, b); c5 = Avx512F.FusedMultiplyAdd(a, c5, b);
            c6 = Avx512F.FusedMultiplyAdd(a, c6, b); c7 = Avx512F.FusedMultiplyAdd(a, c7, b);
            c8 = Avx512F.FusedMultiplyAdd(a, c8, b); c9 = Avx512F.FusedMultiplyAdd(a, c9, b);
            c10 = Avx512F.FusedMultiplyAdd(a, c10, b); c11 = Avx512F.FusedMultiplyAdd(a, c11, b);
        }
        Sink = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
        return iterations * 12 * 16 * 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Fma256(long iterations)
    {
        var a = Vector256.Create(1.000001f);
        var b = Vector256.Create(0.999999f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
                         c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(a, c0, b); c1 = Fma.MultiplyAdd(a, c1, b); c2 = Fma.MultiplyAdd(a, c2, b);
            c3 = Fma.MultiplyAdd(a, c3, b); c4 = Fma.MultiplyAdd(a, c4, b); c5 = Fma.MultiplyAdd(a, c5, b);
            c6 = Fma.MultiplyAdd(a, c6, b); c7 = Fma.MultiplyAdd(a, c7, b); c8 = Fma.MultiplyAdd(a, c8, b);
            c9 = Fma.MultiplyAdd(a, c9, b); c10 = Fma.MultiplyAdd(a, c10, b); c11 = Fma.MultiplyAdd(a, c11, b);
        }
        Sink = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
        return iterations * 12 * 8 * 2;
    }

    private static float Sink;

    /// <summary>Resident memory now and its peak since the last <see cref="ResetPeakRss"/> (Linux /proc; 0 elsewhere), MB.</summary>
    public static (double Current, double Peak) Rss() =>
        ProcessStatus.Read() is { } status
            ? (status.GetValueOrDefault("VmRSS"), status.GetValueOrDefault("VmHWM"))
            : (Environment.WorkingSet / 1048576.0, 0);

    /// <summary>
    /// What the native heap has handed out and not taken back (glibc's <c>mallinfo2</c>: bytes in use in every arena plus
    /// mmapped blocks), MB; null without glibc. libtorch's tensors live here: a leak of tensors shows as growth.
    /// </summary>
    public static double? NativeHeapInUseMb() => NativeHeap() is { } heap ? heap.InUseMb + heap.MmappedMb : null;

    /// <summary>
    /// The native heap in MB (glibc's <c>mallinfo2</c>, every arena): <c>ArenaMb</c> what the arenas took from the system,
    /// <c>InUseMb</c> what of it is handed out, <c>MmappedMb</c> blocks mapped on their own; null without glibc.
    /// </summary>
    public static (double ArenaMb, double InUseMb, double MmappedMb)? NativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return (info.Arena / 1048576.0, info.InUse / 1048576.0, info.Mmapped / 1048576.0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        // glibc's struct mallinfo2, field for field
        public readonly nuint Arena;
        private readonly nuint ordblks, smblks, hblks;
        public readonly nuint Mmapped;
        private readonly nuint usmblks, fsmblks;
        public readonly nuint InUse;
        private readonly nuint fordblks, keepcost;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>Returns the native heap's free memory to the system (glibc's <c>malloc_trim</c>); false without glibc.</summary>
    public static bool ReleaseFreeNativeMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return malloc_trim(0) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int malloc_trim(nuint pad);

    /// <summary>
    /// A full compacting collection, then the native heap's free memory back to the system: what the process holds
    /// afterwards is what it uses, not what earlier work left committed.
    /// </summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ReleaseFreeNativeMemory();
    }

    /// <summary>Resets the kernel's peak-RSS counter (VmHWM); false when the kernel does not allow it.</summary>
    public static bool ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
