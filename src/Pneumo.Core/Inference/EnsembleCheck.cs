using System.Text.Json;
using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>
/// What the members of an ensemble must share: one task, one input (preprocessing, input size) and one test-time augmentation,
/// since the ensemble runs them on one preprocessed batch and averages their logits per view.
/// </summary>
public static class EnsembleCheck
{
    /// <summary>
    /// The first setting in which <paramref name="member"/> differs from <paramref name="reference"/>: its JSON path in
    /// <c>model.json</c> (e.g. <c>preprocessing.center_crop</c>) and both values as JSON; null when they agree.
    /// </summary>
    public static (string Field, string Value, string Expected)? Mismatch(ModelMetadata reference, ModelMetadata member)
    {
        // One question: a finding model's three outputs do not average with a pneumonia model's one.
        if (reference.EffectiveTask != member.EffectiveTask)
            return ("task", EnumNames.Name(member.EffectiveTask), EnumNames.Name(reference.EffectiveTask));
        var a = JsonSerializer.SerializeToNode(reference.Preprocessing, Json.Options)!.AsObject();
        var b = JsonSerializer.SerializeToNode(member.Preprocessing, Json.Options)!.AsObject();
        foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            JsonNode? x = a[name], y = b[name];
            if (!JsonNode.DeepEquals(x, y))
                return ($"preprocessing.{name}", Show(y), Show(x));
        }
        if (reference.TestTimeAugmentation != member.TestTimeAugmentation)
            return ("test_time_augmentation", EnumNames.Name(member.TestTimeAugmentation), EnumNames.Name(reference.TestTimeAugmentation));
        return null;
    }

    private static string Show(JsonNode? node) => node?.ToJsonString(Json.CompactOptions) ?? "null";

    /// <summary>The ensemble's weights version: the SHA-256 of its members' weights hashes, one per line, in order.</summary>
    public static string Sha256(IEnumerable<string> memberHashes) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(string.Concat(memberHashes.Select(h => h + "\n")))));
}
