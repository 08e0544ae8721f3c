namespace Pneumo.Persistence;

/// <summary>Where Pneumo keeps what it can always make again (decoded images, built graphs): a folder in the user's cache.</summary>
public static class CacheFolder
{
    /// <summary>
    /// The folder <paramref name="environmentVariable"/> names (<c>off</c>, <c>0</c> or <c>none</c>: no folder, null), else
    /// <paramref name="subfolder"/> of <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>; null when there is no home folder.
    /// </summary>
    public static string? Resolve(string environmentVariable, string subfolder)
    {
        var configured = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return configured.Trim() is "off" or "0" or "none" ? null : Path.GetFullPath(configured.Trim());
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) return null;
            cache = Path.Combine(home, ".cache");
        }
        return Path.Combine(cache, subfolder);
    }
}
