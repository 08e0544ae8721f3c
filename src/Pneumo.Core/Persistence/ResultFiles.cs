using System.Globalization;

namespace Pneumo.Persistence;

/// <summary>Writes and reads the per-image and per-epoch result files that figures and reports are made from.</summary>
public static class ResultFiles
{
    /// <summary>
    /// Reads <c>path,label,probability</c> rows (<see cref="Predictions.WriteCsv"/>), with a finding model's class
    /// columns when the header has them, and the first three columns of files that add other columns after them (an
    /// evaluation's <see cref="EvaluationPredictions"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">Wrong header or a malformed row; the message names the file and line.</exception>
    public static Predictions ReadPredictions(string path)
    {
        var rows = ReadRows(path, PredictionsHeader, moreColumns: true);
        int classColumn = ClassColumn(File.ReadLines(path).First());
        bool withClasses = classColumn >= 0;
        var paths = new List<string>(rows.Count);
        var labels = new List<int>(rows.Count);
        var probabilities = new List<double>(rows.Count);
        var classes = new List<int>();
        var classProbabilities = new List<double[]>();
        foreach (var (line, fields) in rows)
        {
            if (fields.Count < 3 || fields[1] is not ("0" or "1") || !TryDouble(fields[2], out var p) || p is < 0 or > 1)
                throw new InvalidDataException($"{path}: line {line} is not path,label (0 or 1),probability (0 to 1)");
            paths.Add(fields[0]);
            labels.Add(fields[1] == "1" ? 1 : 0);
            probabilities.Add(p);
            if (!withClasses) continue;
            var q = new double[FindingClasses];
            if (fields.Count < classColumn + 1 + FindingClasses || !int.TryParse(fields[classColumn], out var c) || c < 0 || c >= FindingClasses
                || Enumerable.Range(0, FindingClasses).Any(k => !TryDouble(fields[classColumn + 1 + k], out q[k])))
                throw new InvalidDataException($"{path}: line {line} has no class (0 to {FindingClasses - 1}) and {FindingClasses} class probabilities");
            classes.Add(c);
            classProbabilities.Add(q);
        }
        return withClasses
            ? new Predictions(paths, labels, probabilities) { Classes = classes, ClassProbabilities = classProbabilities }
            : new Predictions(paths, labels, probabilities);
    }

    internal const string PredictionsHeader = "path,label,probability";

    /// <summary>
    /// Where a finding model's <see cref="ClassColumns"/> start in <paramref name="header"/> (after the three first columns,
    /// or after an evaluation's added ones), or -1 when the file has none.
    /// </summary>
    private static int ClassColumn(string header)
    {
        var columns = header.Split(',');
        int at = Array.IndexOf(columns, "class");
        return at >= 0 && columns.Skip(at).Take(FindingClasses + 1).SequenceEqual(ClassColumns.Split(',').Skip(1)) ? at : -1;
    }
    private static readonly int FindingClasses = ModelTask.Finding.ClassCount();
    /// <summary>The columns a finding model's predictions add: its class index and each class's probability.</summary>
    internal const string ClassColumns = ",class,p_normal,p_bacterial,p_viral";
    internal const string EvaluationPredictionsHeader = PredictionsHeader + ",uncalibrated_probability,decision";
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

    private const string SplitHeader = "path,label,patient,part";

    /// <summary>Writes a run's <c>split.csv</c>: every image of the training set with the part (train or validation) it is in.</summary>
    public static void WriteSplit(string path, IEnumerable<SplitRow> rows)
    {
        var lines = rows.Select(r => $"{Csv.Escape(r.Path)},{r.Label},{Csv.Escape(r.Patient)},{(r.Validation ? "validation" : "train")}").Prepend(SplitHeader);
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads a run's <c>split.csv</c>, with each row's line number for messages.</summary>
    /// <exception cref="InvalidDataException">Wrong header or a malformed row; the message names the file and line.</exception>
    public static List<(int Line, SplitRow Row)> ReadSplit(string path) =>
        ReadRows(path, SplitHeader).Select(x =>
        {
            var f = x.Fields;
            if (f.Count != 4 || f[1] is not ("0" or "1") || f[3] is not ("train" or "validation"))
                throw new InvalidDataException($"{path}: line {x.Line} is not path,label,patient,train|validation");
            return (x.Line, new SplitRow(f[0], f[1] == "1" ? 1 : 0, f[2], f[3] == "validation"));
        }).ToList();

    /// <summary>The rows after the header, with their line numbers; <paramref name="moreColumns"/>: the header may go on after <paramref name="header"/>.</summary>
    private static List<(int Line, List<string> Fields)> ReadRows(string path, string header, bool moreColumns = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !(lines[0] == header || moreColumns && lines[0].StartsWith(header + ",", StringComparison.Ordinal)))
            throw new InvalidDataException($"{path}: expected the header {header}");
        return lines.Select((l, i) => (Line: i + 1, Text: l)).Skip(1).Where(x => x.Text.Length > 0)
                    .Select(x => (x.Line, Csv.ParseLine(x.Text))).ToList();
    }

    private static bool TryDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}

/// <summary>One row of a run's <c>split.csv</c>: an image (relative path), its label (1 = PNEUMONIA), its patient and its part.</summary>
public sealed record SplitRow(string Path, int Label, string Patient, bool Validation);
