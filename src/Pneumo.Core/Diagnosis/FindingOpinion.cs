using Pneumo.Evaluation.Findings;
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
    /// <summary>Whether the model's finding referral (<see cref="FindingReferral"/>) is not sure of the kind: its conformal set holds both kinds, or neither.</summary>
    public bool Refer { get; init; }

    /// <summary>The kinds of pneumonia in the conformal set (bacterial, viral, both or none); null when the model has no finding referral.</summary>
    public IReadOnlyList<string>? Between { get; init; }

    /// <summary>"likely bacterial (0.83)", or "bacterial or viral: not sure (0.55)" when referred: what follows PNEUMONIA in a result line.</summary>
    public string Summary => Refer
        ? FormattableString.Invariant($"{(Between is { Count: 2 } ? "bacterial or viral" : "neither bacterial nor viral fits")}: not sure, refer ({Likely} {Probability:F2})")
        : FormattableString.Invariant($"likely {Likely} ({Probability:F2})");

    /// <summary>The finding of class probabilities [NORMAL, BACTERIAL, VIRAL] (several models' already averaged), referred as <paramref name="referral"/> says when there is one.</summary>
    public static FindingOpinion Of(double[] classes, FindingReferral? referral = null)
    {
        double bacterial = FindingEvaluation.BacterialScore(classes);
        var names = ModelTasks.FindingClassNames.Select(n => n.ToLowerInvariant()).ToList();
        int likely = FindingEvaluation.LikelyKind(classes);
        return new FindingOpinion(names[likely], Math.Max(bacterial, 1 - bacterial),
                                  names.Select((n, i) => (n, classes[i])).ToDictionary(x => x.n, x => x.Item2))
        {
            Refer = referral?.RefersKind(classes, likely) ?? false,
            Between = referral?.Set(classes).Where(c => c > 0).Select(c => names[c]).ToList(),
        };
    }

    /// <summary>
    /// The finding of several models' class probabilities (their mean); null unless every model has classes. The referral
    /// applies to one model only (a mean of several has none fitted).
    /// </summary>
    public static FindingOpinion? Of(IReadOnlyList<double[]?> models, FindingReferral? referral = null) =>
        models.Count == 0 || models.Any(c => c is null) ? null
            : models.Count == 1 ? Of(models[0]!, referral)
            : Of(Enumerable.Range(0, models[0]!.Length).Select(k => models.Average(c => c![k])).ToArray());
}
