using System.Text;

namespace Pneumo.Data;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, <c>--shard K/N</c>): a stable share of a list of files,
/// chosen by a hash of each path, so that N jobs over the same list score every file exactly once, whatever order the
/// list is in and however many times a job is rerun.
/// </summary>
/// <remarks>
/// The hash is 64-bit FNV-1a of the path's UTF-8 bytes (the path as listed: <c>a/b.png</c> and <c>./a/b.png</c> are
/// different paths), reduced modulo <see cref="Count"/>; it is fixed here and never depends on the process, the
/// machine or .NET's randomised string hashing.
/// </remarks>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Parses <c>K/N</c> with 1 &lt;= K &lt;= N.</summary>
    /// <exception cref="UserError">Not of that form.</exception>
    public static Shard Parse(string text, string option = "--shard") =>
        TryParse(text, out var shard) ? shard! : throw new UserError($"{option} must be K/N with 1 <= K <= N, e.g. 2/8 (got '{text}')");

    /// <summary>Parses <c>K/N</c> with 1 &lt;= K &lt;= N; false when the text is not of that form.</summary>
    public static bool TryParse(string text, out Shard? shard)
    {
        var parts = text.Split('/');
        shard = parts.Length == 2 && int.TryParse(parts[0], out var k) && int.TryParse(parts[1], out var n) && n >= 1 && k >= 1 && k <= n
            ? new Shard(k, n) : null;
        return shard is not null;
    }

    /// <summary>The shard (1-based) of <paramref name="path"/> among <paramref name="count"/>.</summary>
    public static int Of(string path, int count)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(path))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return (int)(hash % (ulong)count) + 1;
    }

    /// <summary>Whether <paramref name="path"/> belongs to this shard.</summary>
    public bool Contains(string path) => Of(path, Count) == Index;

    /// <summary>The paths of this shard, in their order.</summary>
    public IEnumerable<string> Select(IEnumerable<string> paths) => paths.Where(Contains);

    public override string ToString() => $"{Index}/{Count}";
}
