using System.Globalization;

namespace Pneumo.Bench;

/// <summary>The memory fields of a process's <c>/proc/PID/status</c> (Linux): VmRSS, VmHWM, RssAnon, RssFile, ..., in MB.</summary>
public static class ProcessStatus
{
    /// <summary>Every field given in kB, converted to MB; null where the file cannot be read (not Linux, or the process is gone).</summary>
    /// <param name="pid">The process; null = this one.</param>
    public static IReadOnlyDictionary<string, double>? Read(int? pid = null)
    {
        string path = pid is int p ? $"/proc/{p}/status" : "/proc/self/status";
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            var value = line[(colon + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (value is [var number, "kB"] && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var kb))
                fields[line[..colon]] = kb / 1024;
        }
        return fields;
    }
}
