using Pneumo.Evaluation.Findings;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Figures;

/// <summary>A finding model's figures: its 3x3 confusion matrix, and one-vs-rest ROC curves plus bacterial vs viral.</summary>
public static class FindingFigures
{
    /// <summary>The confusion matrix of <paramref name="metrics"/> (rows true, columns predicted).</summary>
    public static void SaveConfusion(string title, FindingMetrics metrics, string path) =>
        ConfusionMatrixFigure.SaveClasses(title, metrics.ConfusionMatrix, metrics.Classes, path);

    /// <summary>
    /// Each class against the rest, and bacterial vs viral among the pneumonia images (score P(bacterial) / (P(bacterial)
    /// + P(viral))) when both kinds are present, from per-image class probabilities.
    /// </summary>
    /// <exception cref="ArgumentException">The predictions carry no class probabilities (a binary model's).</exception>
    public static void SaveRoc(string title, Predictions predictions, IReadOnlyList<string> classNames, string path)
    {
        if (predictions.Classes is not { } truth || predictions.ClassProbabilities is not { } classes)
            throw new ArgumentException("predictions without class probabilities (not a finding model's)", nameof(predictions));
        var curves = classNames.Select((name, c) => ($"{name} vs the rest",
            new Predictions(predictions.Paths, truth.Select(t => t == c ? 1 : 0).ToList(), classes.Select(p => p[c]).ToList()))).ToList();
        var pneumonia = Enumerable.Range(0, truth.Count).Where(i => truth[i] is FindingEvaluation.Bacterial or FindingEvaluation.Viral).ToList();
        if (pneumonia.Select(i => truth[i]).Distinct().Count() == 2)
            curves.Add(("bacterial vs viral (pneumonia images)", new Predictions(pneumonia.Select(i => predictions.Paths[i]).ToList(),
                pneumonia.Select(i => truth[i] == FindingEvaluation.Bacterial ? 1 : 0).ToList(),
                pneumonia.Select(i => FindingEvaluation.BacterialScore(classes[i])).ToList())));
        RocFigure.Save(curves, path, title);
    }
}
