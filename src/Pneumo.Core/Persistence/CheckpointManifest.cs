
namespace Pneumo.Persistence;

/// <summary>
/// The SHA-256 of every file a checkpoint consists of, written atomically beside it (<c>manifest.json</c>) before the
/// epoch's commit point, and checked before a run resumes from it: damaged or altered checkpoints are refused, naming
/// the file, never resumed silently.
/// </summary>
/// <param name="Files">Hex SHA-256 per file, by path relative to the run folder ('/' separated).</param>
public sealed record CheckpointManifest(SortedDictionary<string, string> Files)
{
    /// <summary>Hashes <paramref name="relativePaths"/> (those that exist) and writes the manifest into <paramref name="checkpointDir"/>.</summary>
    public static void Write(string runDir, string checkpointDir, IEnumerable<string> relativePaths)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var relative in relativePaths)
        {
            var path = Path.Combine(runDir, relative);
            if (File.Exists(path)) files[relative] = FileHash.Sha256(path);
        }
        Json.Write(Path.Combine(checkpointDir, FileNames.CheckpointManifest), new CheckpointManifest(files));
    }

    /// <summary>Checks the files of a checkpoint against its manifest.</summary>
    /// <returns>False when the checkpoint has no manifest (written before manifests existed): nothing could be checked.</returns>
    /// <exception cref="InvalidDataException">A file is missing or its content differs; the message names it and never quotes it.</exception>
    public static bool Verify(string runDir, string checkpointDir)
    {
        var path = Path.Combine(checkpointDir, FileNames.CheckpointManifest);
        if (!File.Exists(path)) return false;
        CheckpointManifest manifest;
        try { manifest = Json.Deserialize<CheckpointManifest>(File.ReadAllText(path)); }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: damaged checkpoint manifest (not valid JSON)");
        }
        if (manifest.Files is not { Count: > 0 }) throw new InvalidDataException($"{path}: damaged checkpoint manifest (lists no files)");
        foreach (var (relative, expected) in manifest.Files)
        {
            var file = Path.Combine(runDir, relative);
            if (!File.Exists(file)) throw new InvalidDataException($"{file}: missing, but listed in the checkpoint manifest {path}");
            if (FileHash.Sha256(file) != expected)
                throw new InvalidDataException($"{file}: damaged or altered checkpoint file (its SHA-256 differs from {path}'s); cannot resume from it");
        }
        return true;
    }

    /// <summary>
    /// Deletes the temporaries an interrupted atomic write leaves (<c>.NAME.PID.GUID.tmp</c>, see <see cref="AtomicFile"/>)
    /// in the run folder and its checkpoints. Only safe while the run folder is locked.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int RemoveStaleTemporaries(string runDir)
    {
        int removed = 0;
        foreach (var tmp in Directory.EnumerateFiles(runDir, ".*.tmp", SearchOption.AllDirectories).ToList())
        {
            File.Delete(tmp);
            removed++;
        }
        return removed;
    }
}
