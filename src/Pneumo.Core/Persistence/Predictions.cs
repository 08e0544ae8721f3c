namespace Pneumo.Persistence;

/// <summary>Per-image probabilities of PNEUMONIA with their labels, in the order of <see cref="Paths"/>.</summary>
public sealed record Predictions(IReadOnlyList<string> Paths, IReadOnlyList<int> Labels, IReadOnlyList<double> Probabilities)
{
    /// <summary>Mean binary cross-entropy (unweighted), probabilities clipped to [1e-7, 1 - 1e-7] as Keras does.</summary>
    public double LogLoss()
    {
        double sum = 0;
        for (int i = 0; i < Labels.Count; i++)
        {
            double p = Math.Clamp(Probabilities[i], 1e-7, 1 - 1e-7);
            sum -= Labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return Labels.Count == 0 ? double.NaN : sum / Labels.Count;
    }

    /// <summary>Writes <c>path,label,probability</c> rows.</summary>
    public void WriteCsv(string path)
    {
        var lines = new List<string>(Paths.Count + 1) { ResultFiles.PredictionsHeader };
        for (int i = 0; i < Paths.Count; i++)
            lines.Add($"{Csv.Escape(Paths[i])},{Labels[i]},{Probabilities[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
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
