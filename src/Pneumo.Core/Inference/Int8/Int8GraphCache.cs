using System.Security.Cryptography;
using System.Text;
using Pneumo.Persistence;

namespace Pneumo.Inference.Int8;

/// <summary>
/// A folder of built int8 graphs (<c>KEY.onnx</c>), so that a model loaded with <c>--engine onnx-int8</c> builds and
/// quantises its graph once, not at every start (about 1.7 s of a cold start for the default ensemble). A graph is found
/// by a key of everything it is made from: the weights, the calibration and Pneumo's own code (the build of the library
/// that writes graphs), so a new model, calibration or Pneumo build never reads an old graph. Everything here is an
/// optimisation: a folder that cannot be read or written, or a damaged file, means the graph is built as without it.
/// The folder keeps the <see cref="MaxGraphs"/> graphs used last (65 MB each for the default ensemble): every new Pneumo
/// build makes new keys, and the graphs of older builds would otherwise stay forever.
/// </summary>
/// <param name="directory">The folder; null = no cache (every start builds the graph).</param>
public sealed class Int8GraphCache(string? directory)
{
    /// <summary>Where the cache is: a folder, or <c>off</c> for none. Default: <c>$XDG_CACHE_HOME/pneumo/graphs</c> or <c>~/.cache/pneumo/graphs</c>.</summary>
    public const string EnvironmentVariable = "PNEUMO_GRAPH_CACHE";

    private static readonly string CodeVersion = typeof(Int8GraphCache).Assembly.ManifestModule.ModuleVersionId.ToString();

    /// <summary>The cache in the folder <see cref="EnvironmentVariable"/> names, or the user's cache folder.</summary>
    public static Int8GraphCache Default => new(DefaultDirectory());

    public string? Directory { get; } = directory;

    /// <summary>How many graphs the folder keeps: adding one removes those used longest ago beyond this.</summary>
    public const int MaxGraphs = 6;

    public static string? DefaultDirectory() => CacheFolder.Resolve(EnvironmentVariable, FileNames.GraphCacheFolder);

    /// <summary>The key of the int8 graph of the weights <paramref name="weightsSha256"/> quantised with <paramref name="ranges"/>.</summary>
    public static string Key(string weightsSha256, bool calibrated, Int8Ranges ranges)
    {
        var text = string.Join('\n', "int8", weightsSha256, calibrated ? "calibrated" : "uncalibrated", Json.SerializeCompact(ranges.Ranges), CodeVersion);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The graph kept under <paramref name="key"/>, or <paramref name="build"/>'s, then kept.</summary>
    public byte[] GetOrAdd(string key, Func<byte[]> build)
    {
        if (Directory is null) return build();
        var path = PathOf(key);
        try
        {
            if (File.Exists(path))
            {
                var kept = File.ReadAllBytes(path);
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);  // used now: the last to be removed
                return kept;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var graph = build();
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, graph));
            RemoveLeastRecentlyUsed();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return graph;
    }

    /// <summary>Deletes the graphs beyond the <see cref="MaxGraphs"/> used last (by their write time, which a read renews).</summary>
    private void RemoveLeastRecentlyUsed()
    {
        var stale = new DirectoryInfo(Directory!).GetFiles("*.onnx")
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Skip(MaxGraphs);
        foreach (var file in stale)
        {
            try { file.Delete(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Forgets the graph kept under <paramref name="key"/> (a damaged one).</summary>
    public void Remove(string key)
    {
        if (Directory is null) return;
        try { File.Delete(PathOf(key)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private string PathOf(string key) => Path.Combine(Directory!, key + ".onnx");
}
