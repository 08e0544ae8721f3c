using System.Buffers.Binary;
using System.Text;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// The messages between Pneumo and its DICOM decoding worker (<c>pneumo-dicom-worker</c>), over the worker's standard
/// input and output. Compiled into both: it depends on nothing else.
/// </summary>
/// <remarks>
/// A request is the encoded file, the bytes of one frame and the most bytes the decoder may produce; the answer is the
/// first frame's samples as decoded (with their photometric interpretation and planar configuration, and the size the
/// codestream decoded to), a refusal with its reason, or "not installed". Integers are little endian; a length prefix
/// is checked against a limit before anything is allocated.
/// </remarks>
internal static class DicomWorkerProtocol
{
    /// <summary>The largest encoded file a request may carry.</summary>
    public const int MaxRequestBytes = 1 << 30;

    public const byte Decoded = 0, Refused = 1, NotInstalled = 2;

    /// <summary>Asks the worker to abort (SIGABRT), as a decoder crash would: honoured only when the worker's test switch is on.</summary>
    public const int AbortForTest = 2;

    /// <summary>Asks the worker to hang, as a decoder in an endless loop would: honoured only when the worker's test switch is on.</summary>
    public const int HangForTest = 3;

    public const int Decode = 1;

    /// <summary>The environment variable that lets a worker honour <see cref="AbortForTest"/> (tests of the pool's recovery).</summary>
    public const string TestSwitch = "PNEUMO_DICOM_WORKER_TEST";

    public sealed record Request(int Kind, long FrameBytes, long MaxDecodedBytes, byte[] File);

    public sealed record Answer(byte Status, string Message, int Columns, int Rows, string Photometric, int PlanarConfiguration, byte[] Samples);

    public static void Write(Stream s, Request r)
    {
        Span<byte> head = stackalloc byte[24];
        BinaryPrimitives.WriteInt32LittleEndian(head, r.Kind);
        BinaryPrimitives.WriteInt64LittleEndian(head[4..], r.FrameBytes);
        BinaryPrimitives.WriteInt64LittleEndian(head[12..], r.MaxDecodedBytes);
        BinaryPrimitives.WriteInt32LittleEndian(head[20..], r.File.Length);
        s.Write(head);
        s.Write(r.File);
        s.Flush();
    }

    /// <summary>The next request, or null at the end of the input (Pneumo closed the pipe).</summary>
    public static Request? ReadRequest(Stream s)
    {
        var head = new byte[24];
        int got = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got == 0) return null;
        if (got < head.Length) throw new EndOfStreamException();
        int kind = BinaryPrimitives.ReadInt32LittleEndian(head);
        long frame = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(4)), max = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(12));
        int length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(20));
        if (length is < 0 or > MaxRequestBytes) throw new InvalidDataException($"request of {length} bytes");
        var file = new byte[length];
        s.ReadExactly(file);
        return new Request(kind, frame, max, file);
    }

    public static void Write(Stream s, Answer a)
    {
        var message = Encoding.UTF8.GetBytes(a.Message);
        var photometric = Encoding.UTF8.GetBytes(a.Photometric);
        var head = new byte[1 + 4 + message.Length + 4 * 3 + 4 + photometric.Length + 4];
        int at = 0;
        head[at++] = a.Status;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), message.Length); at += 4;
        message.CopyTo(head, at); at += message.Length;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), a.Columns); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), a.Rows); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), a.PlanarConfiguration); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), photometric.Length); at += 4;
        photometric.CopyTo(head, at); at += photometric.Length;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(at), a.Samples.Length);
        s.Write(head);
        s.Write(a.Samples);
        s.Flush();
    }

    /// <summary>The worker's answer; <paramref name="maxSamples"/> bounds what is accepted (a worker is not trusted either).</summary>
    /// <exception cref="EndOfStreamException">The worker died before answering in full.</exception>
    public static Answer ReadAnswer(Stream s, long maxSamples)
    {
        Span<byte> one = stackalloc byte[1];
        s.ReadExactly(one);
        byte status = one[0];
        string message = ReadString(s, 4096);
        int columns = ReadInt(s), rows = ReadInt(s), planar = ReadInt(s);
        string photometric = ReadString(s, 64);
        int length = ReadInt(s);
        if (length < 0 || length > maxSamples) throw new InvalidDataException($"the worker answered with {length} bytes of samples");
        var samples = new byte[length];
        s.ReadExactly(samples);
        return new Answer(status, message, columns, rows, photometric, planar, samples);
    }

    private static int ReadInt(Stream s)
    {
        Span<byte> b = stackalloc byte[4];
        s.ReadExactly(b);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    private static string ReadString(Stream s, int max)
    {
        int length = ReadInt(s);
        if (length < 0 || length > max) throw new InvalidDataException($"the worker answered with a string of {length} bytes");
        var bytes = new byte[length];
        s.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
