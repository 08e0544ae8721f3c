using System.Text.Json.Nodes;
using Pneumo.Models;
using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>The card's "Model details" and "Intended use": what the model is, what it takes and gives, and what it is for.</summary>
public static class ModelDetailsSection
{
    /// <summary>The statement every card carries, word for word.</summary>
    public const string NotForClinicalUse =
        "**Research use only. Not for clinical use.** Pneumo is a research tool, not a medical device: its answers have not been " +
        "clinically validated and must not be used to diagnose, treat or triage any patient.";

    public static void Write(CardDocument doc, ModelCardInputs inputs)
    {
        var m = inputs.Metadata;
        var p = m.Preprocessing;
        doc.Heading(2, "Model details");
        var architecture = ModelRegistry.Contains(m.Architecture) ? $"`{m.Architecture}`: {ModelRegistry.Get(m.Architecture).Description}" : $"`{m.Architecture}`";
        var items = new List<string>
        {
            $"Name: `{inputs.Name}` (directory {doc.Link(inputs.ModelDirectory)})",
            $"Architecture: {architecture}" + (m.Backbone is { } b ? $"; external ONNX backbone `{b.File}`" + (b.Sha256 is { } s ? $" (SHA-256 {s[..12]})" : "") : ""),
            inputs.Version is { } v
                ? $"Version: `{v}`, the first 12 hex digits of the weights' SHA-256 ({inputs.WeightsCheck})"
                : $"Version: not recorded ({inputs.WeightsCheck})",
            m.IsEnsemble
                ? "Weights: the members' own (each in its directory, listed below)" + (m.AveragedWeights ? "; each an exponential moving average of its trained weights" : "")
                : $"Weights: `{m.Weights}`, stored as {m.WeightsDtype}" + (m.AveragedWeights ? "; an exponential moving average of the trained weights" : ""),
            $"Input: {p.InputSize} x {p.InputSize} px, {p.ChannelOrder.ToString().ToUpperInvariant()}" +
                (p.CenterCrop < 1 ? $", the central {F(p.CenterCrop, "0.###")} of each side" : ", the whole image") +
                (p.MeanImage is { } mean ? $", minus the mean image `{mean}`" : "") +
                (p.PerImageStandardize ? ", standardised per image" : ""),
            "Test-time augmentation: " + (m.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip
                ? "the mean probability of the image and its mirror image" : "none"),
            $"Output: the probability of PNEUMONIA{(m.Calibration is null ? "" : " (calibrated, see Calibration)")}; the label is PNEUMONIA when it is at least " +
                $"the threshold {T(m.Threshold)} (rule `{m.ThresholdMethod.Name}`, see Operating point)" +
                (m.Referral is null ? "" : ", and REFER when the model is unsure (see Referral)"),
            Members(inputs.Members),
        };
        if (m.EffectiveTask == ModelTask.Finding)
            items.Insert(items.Count - 1, "Task: `finding`, three classes (NORMAL, BACTERIAL, VIRAL from the file names; a softmax over three logits); " +
                                          "the probability of PNEUMONIA is P(bacterial) + P(viral), and a PNEUMONIA answer says which of the two is likelier");
        if (m.Pruning is { } pruning)
            items.Add($"Pruned: {pruning.Method.ToString().ToLowerInvariant()} pruning of `{pruning.SourceModel}`, measured sparsity {P(pruning.Sparsity)}" +
                      (pruning.RetrainEpochs > 0 ? $", retrained {pruning.RetrainEpochs} epochs" : ""));
        doc.Bullets(items);
        doc.Source(inputs.ModelFile);

        doc.Heading(2, "Intended use");
        doc.Bullets(
        [
            "**Research use only; not for clinical use** (the statement at the top of this card).",
            "For: research and teaching: reproducing, comparing and auditing pneumonia classifiers of chest X-rays, and trying " +
                "decision rules (thresholds, calibration, referral) on them.",
            $"Input: chest X-rays like those it was trained on ({KnownDatasets.Describe(m.Dataset)}); JPEG, PNG or DICOM; each image is judged on its own.",
            "Output: a probability and a label (NORMAL or PNEUMONIA" + (m.Referral is null ? ")" : ", or REFER: uncertain, refer to a radiologist)") +
                "; the label is not a diagnosis.",
            "Not for: any decision about a patient; images of other populations, hospitals, devices or views, on which it has not been evaluated " +
                "(only the evaluations this card lists have been).",
        ]);
    }

    private static string Members(JsonArray? members)
    {
        if (members is null || members.Count == 0) return "Ensemble: no (one network)";
        var listed = members.Select(Member).ToList();
        return $"Ensemble of {members.Count} members, the mean of their logits (each member's training on its own card): " + string.Join("; ", listed);
    }

    /// <summary>A member as <c>model.json</c> gives it: a directory, or an object with its directory and weights' checksum.</summary>
    private static string Member(JsonNode? member)
    {
        if (member is JsonValue value && value.TryGetValue<string>(out var path)) return $"`{path}`";
        if (member is not JsonObject o) return member?.ToJsonString() ?? "null";
        var dir = new[] { "path", "directory", "dir", "model", "name" }.Select(k => o[k]).OfType<JsonValue>()
                      .Select(x => x.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null);
        var sha = new[] { "weights_sha256", "version" }.Select(k => o[k]).OfType<JsonValue>()
                      .Select(x => x.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null);
        return (dir is null ? o.ToJsonString() : $"`{dir}`") + (sha is null ? "" : $" (version `{sha[..Math.Min(12, sha.Length)]}`)");
    }
}
