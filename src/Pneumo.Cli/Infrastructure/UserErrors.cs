namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Which exceptions are the user's input going wrong (one line, exit code 2) rather than a bug (exit code 1, logged):
/// <see cref="UserError"/> (and so <see cref="Pneumo.Data.DataException"/>), a file the user named that is missing,
/// unreadable or corrupt (<see cref="InvalidDataException"/>: a damaged model directory, checkpoint or JSON file).
/// </summary>
public static class UserErrors
{
    public static bool IsUserError(Exception e) =>
        e is UserError or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;
}
