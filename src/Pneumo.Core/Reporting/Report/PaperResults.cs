using Pneumo.Persistence;

namespace Pneumo.Reporting.Report;

/// <summary>A model's published test results: its confusion matrix and AUC as the paper states them.</summary>
public sealed record PublishedResult(string Name, ConfusionMatrix Matrix, double Auc)
{
    /// <summary>The paper's metrics, derived from its confusion matrix (AUC as published).</summary>
    public Dictionary<string, double> Metrics() => new()
    {
        ["auc"] = Auc, ["accuracy"] = Matrix.Accuracy, ["sensitivity"] = Matrix.Sensitivity,
        ["specificity"] = Matrix.Specificity, ["precision"] = Matrix.Precision, ["f1"] = Matrix.F1,
    };
}

/// <summary>The numbers the paper (Gupta, Mishra, Yang) publishes for the 80/20 protocol on the 624-image test set.</summary>
/// <remarks>
/// From the Results section: SZANet ROC AUC 0.956, ResNet152V2 0.947, and the confusion matrices of Fig. 4. The paper
/// labels the cells with the classes swapped ("177 TP, 57 FP, 17 FN, 373 TN" while 177 + 57 = 234 is the number of
/// NORMAL test images): read with PNEUMONIA as positive, ResNet152V2 has TN 177, FP 57, FN 17, TP 373 and SZANet
/// TN 132, FP 102, FN 6, TP 384 (accuracy 0.827, as the paper reports). The cross-validation results are only in
/// figures, so no numbers are taken from them.
/// </remarks>
public static class PaperResults
{
    public static readonly PublishedResult SzaNet = new("paper: SZANet", new ConfusionMatrix(Tp: 384, Fp: 102, Tn: 132, Fn: 6), 0.956);
    public static readonly PublishedResult ResNet152V2 = new("paper: ResNet152V2 (transfer)", new ConfusionMatrix(Tp: 373, Fp: 57, Tn: 177, Fn: 17), 0.947);
    public static IReadOnlyList<PublishedResult> All => [SzaNet, ResNet152V2];
}
