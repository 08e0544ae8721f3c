using System.Text.RegularExpressions;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Which exceptions are the user's input going wrong (one line, exit code 2) rather than a bug (exit code 1, logged):
/// <see cref="UserError"/> (and so <see cref="Pneumo.DataException"/>), a file the user named that is missing,
/// unreadable or corrupt (<see cref="InvalidDataException"/>: a damaged model directory, checkpoint or JSON file), and
/// the environment failing under a command: a full disk or quota, refused permissions.
/// </summary>
public static partial class UserErrors
{
    public static bool IsUserError(Exception e) =>
        e is UserError or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        || (e is IOException io && IsDiskFull(io));

    /// <summary>
    /// A write refused for want of space: ENOSPC or EDQUOT (on Linux the exception's HResult is the errno), or
    /// Windows' ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL.
    /// </summary>
    public static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    /// <summary>
    /// The one line for a user error: its message, except that .NET's "No space left on device : '/path'" becomes
    /// "/path: no space left on device (free some space, then run the command again)", the path first as in every other
    /// error line.
    /// </summary>
    public static string Message(Exception e)
    {
        if (e is IOException io && IsDiskFull(io) && PathInMessage().Match(e.Message) is { Success: true } m)
            return $"{m.Groups["path"].Value}: {char.ToLowerInvariant(m.Groups["error"].Value[0])}{m.Groups["error"].Value[1..]} (free some space, then run the command again)";
        return e.Message;
    }

    [GeneratedRegex(@"^(?<error>[^:]+?)\s*:\s*'(?<path>.+)'\.?$")]
    private static partial Regex PathInMessage();
}
