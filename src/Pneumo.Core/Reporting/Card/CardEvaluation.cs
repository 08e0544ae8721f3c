using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>
/// One evaluation folder given to a model card: its <c>metrics.json</c> read as the record, and as a document for the
/// sections the record does not know (e.g. <c>calibration</c> and <c>referral</c>, which newer evaluations write).
/// </summary>
/// <param name="Directory">The folder as the user named it.</param>
public sealed record CardEvaluation(string Directory, EvaluationResult Result, JsonObject Document)
{
    public string MetricsFile => Path.Combine(Directory, FileNames.Metrics);

    /// <summary>The object <paramref name="name"/> of <c>metrics.json</c>, or null when this evaluation did not write it.</summary>
    public JsonObject? Section(string name) => Document[name] as JsonObject;

    /// <summary>Whether it is of the official test set.</summary>
    public bool IsTest => Result.Split == "test";
}
