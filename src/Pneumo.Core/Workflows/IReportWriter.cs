using Pneumo.Audit;
using Pneumo.Data;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>
/// The tables, figures and reports a workflow leaves beside its result files. Workflows only ask for them: the
/// reporting layer above implements this (<c>Reporting.ReportWriter</c>) and the command line passes it in, so no
/// workflow depends on how a figure is drawn.
/// </summary>
public interface IReportWriter
{
    /// <summary>An evaluation's figure (<c>reliability.png</c>) from its result, before <c>metrics.json</c> is written.</summary>
    void Evaluation(string outDir, EvaluationResult result);

    /// <summary>A finding model's evaluation figures (<c>findings_confusion.png</c>, <c>findings_roc.png</c>) from its per-image class probabilities.</summary>
    void Findings(string outDir, Predictions predictions, FindingMetrics metrics, string split) { }

    /// <summary>The cross-validation table (<c>cv.md</c>) of a summary already written.</summary>
    void CrossValidation(string outDir, CrossValidationSummary summary);

    /// <summary>The pruning table (CSV and markdown) and plot of a sweep's summary.</summary>
    void Pruning(string outDir, PruningSummary summary);

    /// <summary>The audit's report and figures; <paramref name="auditor"/> holds the mean Grad-CAM maps.</summary>
    void Audit(string outDir, AuditResult result, Auditor auditor, string title);

    /// <summary>The dataset's figures (class distribution, example images) into <paramref name="dir"/>.</summary>
    void Data(string dir, DataSummary data);

    /// <summary>The study report over result folders (model directories, cross-validations) into <paramref name="outDir"/>.</summary>
    void Study(IReadOnlyList<string> resultFolders, string dataRoot, string outDir, string command, int resamples, Action<string> log);
}
