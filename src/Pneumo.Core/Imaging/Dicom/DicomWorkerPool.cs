using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// Runs DICOM pixel decoding in worker processes (<c>pneumo-dicom-worker</c>, beside the program), a few at a time,
/// reused: a worker that aborts, crashes, runs out of its memory or time costs the one file it was decoding, which is
/// refused with one line; the worker is replaced and the batch, <c>evaluate</c> or the service goes on.
/// </summary>
/// <remarks>
/// <para>
/// This is how browsers and image services treat untrusted formats: the native decoder (GDCM) aborts or segfaults on
/// some damaged files, and in Pneumo's own process that killed every image of a batch and the web service with it.
/// </para>
/// <para>
/// Limits per worker: <see cref="MemoryMegabytes"/> of address space above what it maps at start (native) and a
/// managed heap of the same size, <see cref="Timeout"/> of wall-clock time per file (then it is killed), and the answer
/// bounded by the bytes asked for. No core files. A worker's stderr (GDCM's assertions) is read and dropped.
/// </para>
/// </remarks>
internal sealed class DicomWorkerPool : IDisposable
{
    /// <summary>The worker's file name beside Pneumo.Core.dll.</summary>
    public const string WorkerFile = "pneumo-dicom-worker.dll";

    private readonly ConcurrentBag<Worker> idle = [];
    private readonly SemaphoreSlim slots;
    private readonly string workerPath;
    private readonly bool testSwitch;

    public DicomWorkerPool(string workerPath, int size, bool testSwitch = false)
    {
        this.workerPath = workerPath;
        this.testSwitch = testSwitch;
        slots = new SemaphoreSlim(size, size);
    }

    /// <summary>The pool the program uses: as many workers as cores, at most 4.</summary>
    public static DicomWorkerPool Shared => shared.Value;

    private static readonly Lazy<DicomWorkerPool> shared = new(() =>
    {
        var pool = new DicomWorkerPool(DefaultWorkerPath, Math.Clamp(Environment.ProcessorCount, 1, 4));
        // Idle workers end with their input pipe; closing it here lets the program reap them before it exits.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pool.Dispose();
        return pool;
    });

    public static string DefaultWorkerPath => Path.Combine(AppContext.BaseDirectory, WorkerFile);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MemoryMegabytes { get; init; } = 1024;

    /// <summary>Workers started so far (each replacement counts): for tests and the reliability report.</summary>
    public int Started => started;

    private int started;

    /// <summary>Decodes the first frame of <paramref name="encoded"/>, or says why not.</summary>
    /// <exception cref="DicomException">
    /// The worker refused the file or died on it (<see cref="DicomProblem.Corrupt"/>), or DICOM cannot be decoded here
    /// (<see cref="DicomProblem.NotInstalled"/>); the message names <paramref name="name"/>.
    /// </exception>
    public DicomWorkerProtocol.Answer Decode(byte[] encoded, long frameBytes, long maxDecodedBytes, string name, int kind = DicomWorkerProtocol.Decode)
    {
        slots.Wait();
        Worker? worker = null;
        try
        {
            while (idle.TryTake(out var w))
            {
                if (!w.HasExited) { worker = w; break; }
                w.Dispose();
            }
            worker ??= Start(name);
            var answer = worker.Ask(new DicomWorkerProtocol.Request(kind, frameBytes, maxDecodedBytes, encoded), frameBytes, Timeout, name);
            idle.Add(worker);
            worker = null;
            return answer.Status switch
            {
                DicomWorkerProtocol.Decoded => answer,
                DicomWorkerProtocol.NotInstalled => throw new DicomException(DicomProblem.NotInstalled, $"{name}: {DicomReader.InstallHint}"),
                _ => throw new DicomException(DicomProblem.Corrupt, $"{name}: {OneLine(answer.Message)}"),
            };
        }
        finally
        {
            worker?.Dispose(); // it died or misbehaved: the next request starts a new one
            slots.Release();
        }
    }

    private Worker Start(string name)
    {
        var start = new ProcessStartInfo(DotnetHost(), [workerPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_GCHeapHardLimit"] = $"0x{(long)MemoryMegabytes << 20:X}";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["PNEUMO_DICOM_WORKER_MEMORY_MB"] = MemoryMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PNEUMO_DICOM_WORKER_CPU_SECONDS"] = "3600";
        if (testSwitch) start.Environment[DicomWorkerProtocol.TestSwitch] = "1";
        else start.Environment.Remove(DicomWorkerProtocol.TestSwitch);
        try
        {
            var process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            Interlocked.Increment(ref started);
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new Worker(process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new DicomException(DicomProblem.NotInstalled, $"{name}: cannot start the DICOM decoder ({workerPath}: {e.Message})", e);
        }
    }

    /// <summary>The <c>dotnet</c> host that runs this process's runtime (the worker runs on the same one).</summary>
    private static string DotnetHost()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } line ? line : "the DICOM decoder refused the file";

    public void Dispose()
    {
        while (idle.TryTake(out var worker)) worker.Dispose();
    }

    /// <summary>One worker process and its pipes.</summary>
    private sealed class Worker(Process process) : IDisposable
    {
        public bool HasExited => process.HasExited;

        public DicomWorkerProtocol.Answer Ask(DicomWorkerProtocol.Request request, long frameBytes, TimeSpan timeout, string name)
        {
            bool timedOut = false;
            using var timer = new Timer(_ => { timedOut = true; Kill(); }, null, timeout, System.Threading.Timeout.InfiniteTimeSpan);
            try
            {
                DicomWorkerProtocol.Write(process.StandardInput.BaseStream, request);
                return DicomWorkerProtocol.ReadAnswer(process.StandardOutput.BaseStream, frameBytes);
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or ObjectDisposedException)
            {
                Kill();
                process.WaitForExit(5000);
                string reason = timedOut ? $"it took longer than {timeout.TotalSeconds:0} s"
                    : e is InvalidDataException ? "it answered out of protocol"
                    : Reason(process.HasExited ? process.ExitCode : -1);
                throw new DicomException(DicomProblem.Corrupt, $"{name}: the DICOM decoder failed on this file ({reason}); not scored", e);
            }
        }

        /// <summary>Why a worker died, from its exit code (128 + the signal on Unix).</summary>
        private static string Reason(int exitCode) => exitCode switch
        {
            134 => "it aborted",
            139 => "it crashed: segmentation fault",
            135 => "it crashed: bus error",
            136 => "it crashed: arithmetic error",
            137 => "it was killed, out of memory",
            152 => "it ran out of CPU time",
            _ => $"it stopped with exit code {exitCode}",
        };

        private void Kill()
        {
            try { if (!process.HasExited) process.Kill(); } catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }

        public void Dispose()
        {
            try { process.StandardInput.Close(); } catch (IOException) { }
            if (!process.WaitForExit(200)) Kill();
            process.Dispose();
        }
    }
}
