namespace Pneumo.Cluster;

/// <summary>Quoting for the POSIX shell scripts a cluster run writes.</summary>
public static class Shell
{
    /// <summary><paramref name="word"/> as one shell word: as it is when it holds only safe characters, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>The words joined as a command line, each quoted as needed.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
