using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pneumo.DicomWorker;

/// <summary>Bytes given a file name for a toolkit that only opens files: an anonymous in-memory file on Linux, else a temporary file.</summary>
/// <remarks>
/// On Linux the bytes go to a <c>memfd_create</c> file opened through <c>/proc/self/fd/N</c>: an upload's pixels and
/// patient data never touch the disk. Elsewhere (or if that fails) a temporary file, deleted on dispose.
/// </remarks>
internal sealed partial class MemoryFile : IDisposable
{
    private readonly SafeFileHandle? handle;
    private readonly string? temporary;

    private MemoryFile(string path, SafeFileHandle? handle, string? temporary) => (Path, this.handle, this.temporary) = (path, handle, temporary);

    /// <summary>A name the file can be opened by, while this object lives.</summary>
    public string Path { get; }

    public static MemoryFile Create(ReadOnlySpan<byte> bytes)
    {
        if (OperatingSystem.IsLinux())
        {
            int fd = -1;
            try { fd = MemfdCreate("pneumo-dicom", 1 /* MFD_CLOEXEC */); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
            if (fd >= 0)
            {
                var handle = new SafeFileHandle(fd, ownsHandle: true);
                RandomAccess.Write(handle, bytes, fileOffset: 0);
                return new MemoryFile($"/proc/self/fd/{fd}", handle, null);
            }
        }
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pneumo-" + Guid.NewGuid().ToString("N") + ".dcm");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None)) stream.Write(bytes);
        return new MemoryFile(path, null, path);
    }

    public void Dispose()
    {
        handle?.Dispose();
        if (temporary is not null)
            try { File.Delete(temporary); } catch (IOException) { }
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MemfdCreate(string name, uint flags);
}
