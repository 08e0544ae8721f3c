using System.Globalization;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// The details of a bug: the exception with its stack trace, the command line and the time, in a file of its own
/// (<c>TEMP/pneumo-logs/pneumo-UTC-PID.log</c>), so that the user sees one line and can send the file.
/// </summary>
public static class CrashLog
{
    public static string Folder => Path.Combine(Path.GetTempPath(), "pneumo-logs");

    /// <summary>Writes a new log file for <paramref name="error"/> and returns its path.</summary>
    public static string Write(Exception error, string commandLine)
    {
        Directory.CreateDirectory(Folder);
        var stem = string.Create(CultureInfo.InvariantCulture, $"pneumo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        for (int n = 1; ; n++)
        {
            var path = Path.Combine(Folder, n == 1 ? stem + ".log" : $"{stem}-{n}.log");
            try
            {
                using var writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write));
                writer.WriteLine(commandLine);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O}  {System.Runtime.InteropServices.RuntimeInformation.OSDescription}  .NET {Environment.Version}"));
                writer.WriteLine(error.ToString());
                return path;
            }
            catch (IOException) when (File.Exists(path)) { } // another error of this process in the same second
        }
    }
}
