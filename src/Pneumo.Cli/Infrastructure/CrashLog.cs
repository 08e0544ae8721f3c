using System.Globalization;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// The details of a bug: the exception with its stack trace, the command line and the time, in a file of its own
/// (<c>TEMP/pneumo-logs/pneumo-UTC-PID.log</c>), so that the user sees one line and can send the file.
/// </summary>
/// <remarks>
/// The folder is the user's alone (0700) and each log too (0600): a log holds the command line, which names the
/// patient files given to it.
/// </remarks>
public static class CrashLog
{
    public static string Folder => Path.Combine(Path.GetTempPath(), "pneumo-logs");

    /// <summary>Writes a new log file for <paramref name="error"/> and returns its path.</summary>
    public static string Write(Exception error, string commandLine)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder, Private | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Folder, Private | UnixFileMode.UserExecute);  // a folder made before by an older version
        }
        else Directory.CreateDirectory(Folder);
        var stem = string.Create(CultureInfo.InvariantCulture, $"pneumo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        for (int n = 1; ; n++)
        {
            var path = Path.Combine(Folder, n == 1 ? stem + ".log" : $"{stem}-{n}.log");
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = Private;
                using var writer = new StreamWriter(new FileStream(path, create));
                writer.WriteLine(commandLine);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O}  {System.Runtime.InteropServices.RuntimeInformation.OSDescription}  .NET {Environment.Version}"));
                writer.WriteLine(error.ToString());
                return path;
            }
            catch (IOException) when (File.Exists(path)) { } // another error of this process in the same second
        }
    }
}
