namespace Pneumo.Persistence;

/// <summary>
/// An exclusive, OS-level lock on a folder that one job writes (a training run, a fold, a pruning sweep, a study), so
/// that a second job on the same folder stops at once instead of mixing its files with the first's.
/// </summary>
/// <remarks>
/// The lock is the file <see cref="FileName"/> held open with <see cref="FileShare.None"/> (on Linux and macOS an
/// <c>flock</c>, on Windows a sharing mode): the operating system releases it when the process ends, however it ends, so
/// no stale lock survives a <c>kill -9</c>. The holder's process id is written beside it (<see cref="OwnerFileName"/>)
/// to name it in the refusal. Two acquisitions in one process conflict too.
/// </remarks>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".pneumo.lock";
    public const string OwnerFileName = ".pneumo.lock.owner";

    private readonly FileStream stream;

    private RunFolderLock(string folder, FileStream stream)
    {
        Folder = folder;
        this.stream = stream;
    }

    /// <summary>The locked folder.</summary>
    public string Folder { get; }

    /// <summary>Creates <paramref name="folder"/> when needed and locks it.</summary>
    /// <exception cref="RunFolderLockedException">Another process (or another acquisition in this one) holds the lock.</exception>
    public static RunFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new RunFolderLockedException(folder, Owner(folder));
        }
        try
        {
            AtomicFile.WriteAllText(Path.Combine(folder, OwnerFileName), $"{Environment.ProcessId}\n");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunFolderLock(folder, stream);
    }

    /// <summary>The process id the holder wrote, or null when unknown.</summary>
    private static int? Owner(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
            return int.TryParse(text, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
