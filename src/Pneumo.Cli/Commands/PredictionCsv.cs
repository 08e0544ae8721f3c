using System.Globalization;
using Pneumo.Diagnosis;
using Pneumo.Persistence;

namespace Pneumo.Cli.Commands;

/// <summary><c>predict --format csv</c>: one row per <see cref="ImagePrediction"/>, its columns read from the contract's fields.</summary>
/// <remarks>
/// <c>path</c>, <c>probability</c>, <c>label</c> always; <c>probability_NAME</c> per model (from <see cref="Prediction.Models"/>,
/// in <c>--model</c> order) when there are several; <c>heatmap</c> with <c>--explain</c>; <c>warning</c> when some image
/// has one; <c>modality</c>, <c>window_source</c>, <c>window_center</c>, <c>window_width</c> when a DICOM file was
/// scored (<see cref="Prediction.Dicom"/>); <c>finding</c>, <c>finding_probability</c>, <c>p_normal</c>, <c>p_bacterial</c>,
/// <c>p_viral</c> when a finding model scored (<see cref="Prediction.Finding"/>); <c>decision</c> (NORMAL, PNEUMONIA or REFER) always, last, so readers that
/// take the earlier columns by position keep working. Optional columns appear only when needed, so a JPEG/PNG run keeps
/// its columns. Numbers are round-trip ("R"), invariant culture.
/// </remarks>
public static class PredictionCsv
{
    public static IEnumerable<string> Lines(IReadOnlyList<ImagePrediction> results, IReadOnlyList<ModelInfo> models, bool explain)
    {
        var header = new List<string> { "path", "probability", "label" };
        if (models.Count > 1) header.AddRange(ModelColumns(models));
        if (explain) header.Add("heatmap");
        bool warnings = results.Any(r => r.Warning is not null);
        if (warnings) header.Add("warning");
        bool dicom = results.Any(r => r.Dicom is not null);
        if (dicom) header.AddRange(["modality", "window_source", "window_center", "window_width"]);
        bool findings = results.Any(r => r.Finding is not null);
        if (findings) header.AddRange(["finding", "finding_probability", "p_normal", "p_bacterial", "p_viral"]);
        header.Add("decision");
        yield return string.Join(',', header);
        foreach (var r in results)
        {
            var row = new List<string> { Csv.Escape(r.Path), Number(r.Probability), r.Label };
            if (models.Count > 1) row.AddRange(r.Models.Select(m => Number(m.Probability)));
            if (explain) row.Add(Csv.Escape(r.Heatmap ?? ""));
            if (warnings) row.Add(Csv.Escape(r.Warning ?? ""));
            if (dicom)
                row.AddRange(r.Dicom is not { } d ? ["", "", "", ""]
                    : [Csv.Escape(d.Modality ?? ""), d.Window.Source, Number(d.Window.Center), Number(d.Window.Width)]);
            if (findings)
                row.AddRange(r.Finding is not { } f ? ["", "", "", "", ""]
                    : [f.Likely, Number(f.Probability), .. f.Classes.Values.Select(Number)]);
            row.Add(r.Decision);
            yield return string.Join(',', row);
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>probability_NAME per model, in --model order; a repeated name gets _2, _3, ...</summary>
    private static IEnumerable<string> ModelColumns(IReadOnlyList<ModelInfo> models)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var m in models)
        {
            var name = Csv.Escape("probability_" + m.Name);
            seen[name] = seen.GetValueOrDefault(name) + 1;
            yield return seen[name] == 1 ? name : $"{name}_{seen[name]}";
        }
    }
}
