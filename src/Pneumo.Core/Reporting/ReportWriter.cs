using Pneumo.Audit;
using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Reporting.Figures;
using Pneumo.Reporting.Report;
using Pneumo.Workflows;

namespace Pneumo.Reporting;

/// <summary>The reports, tables and figures the workflows leave beside their result files.</summary>
public sealed class ReportWriter : IReportWriter
{
    public void Evaluation(string outDir, EvaluationResult result)
    {
        if (result.Calibration is not { } quality) return;
        var curves = new List<(string, Evaluation.Metrics.Calibration)>
        {
            (quality.Calibrated is null ? "the model's probabilities" : "uncalibrated, the network's own", Curve(quality.Uncalibrated)),
        };
        if (quality.Calibrated is { } calibrated)
            curves.Add((FormattableString.Invariant($"calibrated, temperature {calibrated.Temperature:F2}, shown"), Curve(calibrated)));
        ReliabilityFigure.Save(curves, Path.Combine(outDir, FileNames.ReliabilityFigure), FormattableString.Invariant($"Reliability on {result.Split}, {result.N:N0} images"));
    }

    public void Findings(string outDir, Predictions predictions, FindingMetrics metrics, string split)
    {
        FindingFigures.SaveConfusion($"Findings on {split}", metrics, Path.Combine(outDir, FileNames.FindingsConfusionFigure));
        FindingFigures.SaveRoc($"Findings on {split}: ROC curves", predictions, metrics.Classes, Path.Combine(outDir, FileNames.FindingsRocFigure));
    }

    private static Evaluation.Metrics.Calibration Curve(ProbabilityQuality quality) => new(quality.Reliability, quality.ExpectedCalibrationError.Estimate);

    public void CrossValidation(string outDir, CrossValidationSummary summary) =>
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.CrossValidationTable), CrossValidationTable.Markdown(summary));

    public void Pruning(string outDir, PruningSummary summary)
    {
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.PruningTable), PruningReport.Csv(summary));
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.PruningMarkdown), PruningReport.Markdown(summary));
        PruningPlot.Save(summary, Path.Combine(outDir, FileNames.PruningPlot));
    }

    public void Audit(string outDir, AuditResult result, Auditor auditor, string title)
    {
        AuditFigures.SaveMeanMaps(auditor, result.Regions, Path.Combine(outDir, FileNames.AuditMeanMap), title);
        AuditFigures.SaveGroupAccuracy(result, Path.Combine(outDir, FileNames.AuditGroupFigure));
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.AuditMarkdown), AuditReport.Markdown(result));
    }

    public void Data(string dir, DataSummary data)
    {
        DataFigures.SaveClassDistribution(data, Path.Combine(dir, FileNames.ClassDistributionFigure));
        DataFigures.SaveExamples(data, Path.Combine(dir, FileNames.ExamplesFigure));
    }

    public void Study(IReadOnlyList<string> resultFolders, string dataRoot, string outDir, string command, int resamples, Action<string> log) =>
        StudyReport.Write(resultFolders.Select(ReportInputs.Load).ToList(), dataRoot, outDir, command, resamples, log);
}
