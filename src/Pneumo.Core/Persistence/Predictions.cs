namespace Pneumo.Persistence;

/// <summary>Per-image probabilities of PNEUMONIA with their labels, in the order of <see cref="Paths"/>.</summary>
/// <remarks>
/// A model of several classes (the finding task) also gives each image's class probabilities and its class index
/// (<see cref="Classes"/>); <see cref="Probabilities"/> is then P(pneumonia) = 1 - P(NORMAL) and <see cref="Labels"/>
/// stays NORMAL 0 / PNEUMONIA 1, so every binary measure reads such predictions as it reads a binary model's.
/// </remarks>
public sealed record Predictions(IReadOnlyList<string> Paths, IReadOnlyList<int> Labels, IReadOnlyList<double> Probabilities)
{
    /// <summary>Each image's probabilities of the model's classes (NORMAL, BACTERIAL, VIRAL); null for a binary model.</summary>
    public IReadOnlyList<double[]>? ClassProbabilities { get; init; }

    /// <summary>Each image's class index among <see cref="ClassProbabilities"/>; null for a binary model.</summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>The predictions of the images at <paramref name="keep"/>, in that order (class columns included).</summary>
    public Predictions Subset(IReadOnlyList<int> keep) =>
        new Predictions(keep.Select(i => Paths[i]).ToList(), keep.Select(i => Labels[i]).ToList(), keep.Select(i => Probabilities[i]).ToList())
        {
            Classes = Classes is null ? null : keep.Select(i => Classes[i]).ToList(),
            ClassProbabilities = ClassProbabilities is null ? null : keep.Select(i => ClassProbabilities[i]).ToList(),
        };

    /// <summary>
    /// Mean cross-entropy (unweighted), probabilities clipped to [1e-7, 1 - 1e-7] as Keras does: binary on
    /// <see cref="Probabilities"/>, or over the classes when there are <see cref="ClassProbabilities"/>.
    /// </summary>
    public double LogLoss()
    {
        if (ClassProbabilities is { } classes && Classes is { } truth)
            return truth.Count == 0 ? double.NaN : truth.Select((c, i) => -Math.Log(Math.Clamp(classes[i][c], 1e-7, 1 - 1e-7))).Average();
        double sum = 0;
        for (int i = 0; i < Labels.Count; i++)
        {
            double p = Math.Clamp(Probabilities[i], 1e-7, 1 - 1e-7);
            sum -= Labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return Labels.Count == 0 ? double.NaN : sum / Labels.Count;
    }

    /// <summary>Writes <c>path,label,probability</c> rows, then <c>class</c> and each class's probability when there are <see cref="ClassProbabilities"/>.</summary>
    public void WriteCsv(string path)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var header = ResultFiles.PredictionsHeader;
        if (ClassProbabilities is not null) header += ResultFiles.ClassColumns;
        var lines = new List<string>(Paths.Count + 1) { header };
        for (int i = 0; i < Paths.Count; i++)
        {
            var line = $"{Csv.Escape(Paths[i])},{Labels[i]},{Probabilities[i].ToString("R", invariant)}";
            if (ClassProbabilities is { } classes)
                line += $",{Classes![i]}," + string.Join(",", classes[i].Select(p => p.ToString("R", invariant)));
            lines.Add(line);
        }
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }
}

/// <summary>Minimal CSV quoting (RFC 4180).</summary>
public static class Csv
{
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    /// <summary>The fields of one line written with <see cref="Escape"/> (quoted fields, doubled quotes).</summary>
    public static List<string> ParseLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
