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
            if (File.Exists(path)) return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var graph = build();
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, graph));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return graph;
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
