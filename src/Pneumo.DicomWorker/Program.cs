using Pneumo.Imaging.Dicom;

namespace Pneumo.DicomWorker;

/// <summary>
/// Decodes DICOM pixel data for Pneumo, one request at a time from standard input, answers on standard output, until
/// the input ends. Everything a hostile file can do to the native decoder (abort, crash, allocate without end) happens
/// in this process, which Pneumo replaces; its limits (<see cref="WorkerLimits"/>) are set before the first request.
/// </summary>
public static class Program
{
    public static int Main()
    {
        WorkerLimits.Apply();
        bool testSwitch = Environment.GetEnvironmentVariable(DicomWorkerProtocol.TestSwitch) == "1";
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        while (DicomWorkerProtocol.ReadRequest(input) is { } request)
        {
            if (request.Kind == DicomWorkerProtocol.AbortForTest && testSwitch) Environment.FailFast("abort asked for by a test");
            if (request.Kind == DicomWorkerProtocol.HangForTest && testSwitch) Thread.Sleep(Timeout.Infinite);
            DicomWorkerProtocol.Write(output, Answer(request));
        }
        return 0;
    }

    private static DicomWorkerProtocol.Answer Answer(DicomWorkerProtocol.Request request)
    {
        try
        {
            if (request.Kind != DicomWorkerProtocol.Decode) return Refuse($"unknown request {request.Kind}");
#if PNEUMO_GDCM
            return GdcmDecoder.Decode(request);
#else
            return new(DicomWorkerProtocol.NotInstalled, "built without GDCM", 0, 0, "", 0, []);
#endif
        }
        catch (OutOfMemoryException) { return Refuse("the decoder ran out of memory"); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            return new(DicomWorkerProtocol.NotInstalled, e.GetType().Name, 0, 0, "", 0, []);
        }
    }

    internal static DicomWorkerProtocol.Answer Refuse(string message) => new(DicomWorkerProtocol.Refused, message, 0, 0, "", 0, []);
}
