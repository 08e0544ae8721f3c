using Pneumo.Persistence;

namespace Pneumo.Diagnosis;

/// <summary>
/// What a finding model (NORMAL, BACTERIAL, VIRAL) says beyond pneumonia or not: the likelier of bacterial and viral,
/// how likely among the two (P(bacterial) / (P(bacterial) + P(viral)), or its complement), and every class's
/// probability (the mean over the models, uncalibrated). In the prediction contract as <c>finding</c>; absent for a
/// model of the pneumonia task.
/// </summary>
/// <param name="Likely">bacterial or viral.</param>
/// <param name="Probability">P(likely | pneumonia): how sure the model is of <paramref name="Likely"/> over the other, 0.5 to 1.</param>
/// <param name="Classes">Each class's probability by lower-case name: normal, bacterial, viral.</param>
public sealed record FindingOpinion(string Likely, double Probability, IReadOnlyDictionary<string, double> Classes)
{
    /// <summary>"likely bacterial (0.83)": what follows PNEUMONIA in a result line.</summary>
    public string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"likely {Likely} ({Probability:F2})");

    /// <summary>The finding of class probabilities [NORMAL, BACTERIAL, VIRAL] (several models' already averaged).</summary>
    public static FindingOpinion Of(double[] classes)
    {
        double pneumonia = classes[1] + classes[2];
        double bacterial = pneumonia > 0 ? classes[1] / pneumonia : 0.5;
        var names = ModelTasks.FindingClassNames.Select(n => n.ToLowerInvariant()).ToList();
        return new FindingOpinion(bacterial >= 0.5 ? names[1] : names[2], Math.Max(bacterial, 1 - bacterial),
                                  names.Select((n, i) => (n, classes[i])).ToDictionary(x => x.n, x => x.Item2));
    }

    /// <summary>The finding of several models' class probabilities (their mean); null unless every model has classes.</summary>
    public static FindingOpinion? Of(IReadOnlyList<double[]?> models) =>
        models.Count == 0 || models.Any(c => c is null) ? null
            : Of(Enumerable.Range(0, models[0]!.Length).Select(k => models.Average(c => c![k])).ToArray());
}
