using System.Globalization;

namespace Pneumo.Persistence;

/// <summary>Writes and reads the per-image and per-epoch result files that figures and reports are made from.</summary>
public static class ResultFiles
{
    /// <summary>Reads <c>path,label,probability</c> rows (<see cref="Predictions.WriteCsv"/>).</summary>
    /// <exception cref="InvalidDataException">Wrong header or a malformed row; the message names the file and line.</exception>
    public static Predictions ReadPredictions(string path)
    {
        var rows = ReadRows(path, "path,label,probability");
        var paths = new List<string>(rows.Count);
        var labels = new List<int>(rows.Count);
        var probabilities = new List<double>(rows.Count);
        foreach (var (line, fields) in rows)
        {
            if (fields.Count != 3 || fields[1] is not ("0" or "1") || !TryDouble(fields[2], out var p) || p is < 0 or > 1)
                throw new InvalidDataException($"{path}: line {line} is not path,label (0 or 1),probability (0 to 1)");
            paths.Add(fields[0]);
            labels.Add(fields[1] == "1" ? 1 : 0);
            probabilities.Add(p);
        }
        return new Predictions(paths, labels, probabilities);
    }

    private const string HistoryHeader = "epoch,loss,accuracy,val_loss,val_accuracy,val_auc,lr,seconds,images_per_second";

    /// <summary>Writes a run's <c>history.csv</c> (one row per epoch), atomically.</summary>
    public static void WriteHistory(string path, IReadOnlyList<EpochLogs> history)
    {
        var lines = new List<string> { HistoryHeader };
        lines.AddRange(history.Select(h => string.Create(CultureInfo.InvariantCulture,
            $"{h.Epoch},{h.Loss:R},{h.Accuracy:R},{h.ValLoss:R},{h.ValAccuracy:R},{h.ValAuc:R},{h.LearningRate:R},{h.Seconds:F1},{h.ImagesPerSecond:F1}")));
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads a run's <c>history.csv</c> (one row per epoch).</summary>
    /// <exception cref="InvalidDataException">Wrong header or a malformed row; the message names the file and line.</exception>
    public static List<EpochLogs> ReadHistory(string path)
    {
        var rows = ReadRows(path, HistoryHeader);
        var history = new List<EpochLogs>(rows.Count);
        foreach (var (line, fields) in rows)
        {
            var v = new double[9];
            if (fields.Count != 9 || fields.Select((f, i) => TryDouble(f, out v[i])).Any(ok => !ok))
                throw new InvalidDataException($"{path}: line {line} does not hold 9 numbers");
            history.Add(new EpochLogs((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
        }
        return history;
    }

    private static List<(int Line, List<string> Fields)> ReadRows(string path, string header)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != header)
            throw new InvalidDataException($"{path}: expected the header {header}");
        return lines.Select((l, i) => (Line: i + 1, Text: l)).Skip(1).Where(x => x.Text.Length > 0)
                    .Select(x => (x.Line, Csv.ParseLine(x.Text))).ToList();
    }

    private static bool TryDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
