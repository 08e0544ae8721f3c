namespace Pneumo.Persistence;

/// <summary>Writes files so that a reader sees the old content or the new, never half of one (temporary file, then rename).</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text));

    /// <summary>Calls <paramref name="write"/> with a temporary path beside <paramref name="path"/>, then renames it into place.</summary>
    public static void Write(string path, Action<string> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException e) when (e.Message.Contains(tmp, StringComparison.Ordinal))
        {
            // Name the file the user asked for (a full disk: "No space left on device : 'PATH'"), not its temporary;
            // the HResult (the errno on Unix) stays, so callers still tell a full disk from other failures.
            throw new IOException(e.Message.Replace(tmp, path, StringComparison.Ordinal), e.HResult);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
