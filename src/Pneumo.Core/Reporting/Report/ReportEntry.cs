using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Reporting.Report;

/// <summary>One model (or fold ensemble) in the report: its test predictions, threshold, protocol and where it came from.</summary>
public sealed record ReportEntry(string Name, string Protocol, string Architecture, string Directory, Predictions Test, double Threshold,
                                 TrainingConfig? Config, ModelMetadata? Model, IReadOnlyList<EpochLogs>? History,
                                 CrossValidationSummary? CrossValidation, string? DataRoot);

/// <summary>Finds the result files of each folder given to <c>pneumo report --runs</c>.</summary>
public static class ReportInputs
{
    /// <summary>
    /// Whether <paramref name="dir"/> is a result of <c>pneumo study --quick</c>: the <c>study.json</c> of the study
    /// folder holding it (two levels up: runs/NAME, pruning/NAME, cv/NAME) records a quick study.
    /// </summary>
    public static bool FromQuickStudy(string dir)
    {
        var folder = new DirectoryInfo(Path.GetFullPath(dir)).Parent;
        for (int up = 1; up <= 2 && folder is not null; up++, folder = folder.Parent)
        {
            var study = Path.Combine(folder.FullName, FileNames.Study);
            if (File.Exists(study)) return Json.Read<StudyRecord>(study).Options.Quick;
        }
        return false;
    }

    /// <summary>
    /// A folder is a cross-validation (<c>cv.json</c>), a model directory with its test evaluation in <c>test/</c>, or an
    /// evaluation (<c>metrics.json</c> + <c>predictions.csv</c>, whose recorded model directory gives history and settings).
    /// </summary>
    /// <exception cref="InvalidDataException">The folder is none of these; the message names it.</exception>
    public static ReportEntry Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
        var name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/'));
        if (File.Exists(Path.Combine(dir, FileNames.CrossValidationSummary)))
        {
            var cv = Json.Read<CrossValidationSummary>(Path.Combine(dir, FileNames.CrossValidationSummary));
            if (cv.Ensemble is null) throw new InvalidDataException($"{dir}: the cross-validation has no finished fold");
            var ensemble = ResultFiles.ReadPredictions(Path.Combine(dir, FileNames.Ensemble, FileNames.Predictions));
            return new ReportEntry($"{cv.Architecture} {cv.Folds}-fold ensemble", $"{cv.Folds}-fold CV ({cv.Finished.Count} folds), ensemble of the fold models",
                                   cv.Architecture, dir, ensemble, cv.Ensemble.Threshold, cv.Config, null, null, cv, cv.DataRoot);
        }
        var evaluation = File.Exists(Path.Combine(dir, FileNames.Metrics)) ? dir : Path.Combine(dir, FileNames.Test);
        if (!File.Exists(Path.Combine(evaluation, FileNames.Metrics)) || !File.Exists(Path.Combine(evaluation, FileNames.Predictions)))
            throw new InvalidDataException($"{dir}: not a cross-validation (cv.json), a model with test/metrics.json, or an evaluation (metrics.json + predictions.csv)");
        var result = Json.Read<EvaluationResult>(Path.Combine(evaluation, FileNames.Metrics));
        var modelDir = ModelDirectory.Exists(dir) ? dir : result.Model;
        var metadata = ModelDirectory.Exists(modelDir) ? Json.Read<ModelMetadata>(Path.Combine(modelDir, FileNames.ModelMetadata)) : null;
        var historyFile = Path.Combine(modelDir, FileNames.History);
        var config = metadata?.Training;
        var protocol = config is null ? "unknown"
            : $"{(1 - config.ValidationFraction) * 100:F0}/{config.ValidationFraction * 100:F0} hold-out, split by {config.SplitBy.ToString().ToLowerInvariant()}";
        return new ReportEntry(name, protocol, result.Architecture, dir, ResultFiles.ReadPredictions(Path.Combine(evaluation, FileNames.Predictions)),
                               result.Threshold, config, metadata, File.Exists(historyFile) ? ResultFiles.ReadHistory(historyFile) : null, null, result.DataRoot);
    }
}
