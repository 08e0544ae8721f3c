namespace Pneumo.Persistence;

/// <summary>One member of an ensemble model (<see cref="ModelMetadata.Members"/>): a model directory, and the SHA-256 of its weights when the ensemble was built.</summary>
/// <param name="Path">The member's model directory: absolute, or relative to the ensemble's directory.</param>
/// <param name="WeightsSha256">The SHA-256 of the member's weights file at build time (64 lower-case hex digits), checked on every load: a member retrained or replaced since is refused.</param>
public sealed record EnsembleMember(string Path, string WeightsSha256)
{
    /// <summary>The member's architecture at build time, for people reading <c>model.json</c>.</summary>
    public string? Architecture { get; init; }

    /// <summary>The member's directory, as a full path: <see cref="Path"/> itself when absolute, else under <paramref name="ensembleDir"/>.</summary>
    public string Resolve(string ensembleDir) =>
        System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.Combine(ensembleDir, Path));

    /// <summary>
    /// How an ensemble in <paramref name="ensembleDir"/> records <paramref name="memberDir"/>: relative to it when the two
    /// share a folder below the file-system root (an ensemble and its members move together), else absolute.
    /// </summary>
    public static string PathFrom(string ensembleDir, string memberDir)
    {
        string from = System.IO.Path.GetFullPath(ensembleDir), to = System.IO.Path.GetFullPath(memberDir);
        var relative = System.IO.Path.GetRelativePath(from, to);
        string root = System.IO.Path.GetPathRoot(from) ?? "";
        int depth = from[root.Length..].Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Length;
        int up = relative.Split(System.IO.Path.DirectorySeparatorChar).TakeWhile(p => p == "..").Count();
        return System.IO.Path.IsPathRooted(relative) || up >= depth ? to : relative;
    }
}
