using Pneumo.Data;

namespace Pneumo.Cli.Infrastructure;

/// <summary>Which exceptions are the user's input going wrong (one line, exit 2) rather than a bug.</summary>
public static class UserErrors
{
    public static bool IsUserError(Exception e) =>
        e is DataException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
          or UnauthorizedAccessException or ArgumentException or InvalidOperationException;
}
