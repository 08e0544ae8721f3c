using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pneumo.Reporting.Card;

/// <summary>
/// A section of a result file whose layout the card does not fix (e.g. the <c>calibration</c> and <c>referral</c>
/// sections of <c>metrics.json</c>), as (quantity, value) rows: nested keys joined with " / ", an interval object
/// (<c>estimate</c>, <c>lower</c>, <c>upper</c>) as "estimate [lower, upper]", every number as the file gives it, rounded.
/// </summary>
public static class JsonSectionTable
{
    /// <summary>The rows of <paramref name="section"/>, in the file's order.</summary>
    public static List<IReadOnlyList<string>> Rows(JsonObject section)
    {
        var rows = new List<IReadOnlyList<string>>();
        Add(section, "", rows);
        return rows;
    }

    private static void Add(JsonNode? node, string label, List<IReadOnlyList<string>> rows)
    {
        switch (node)
        {
            case JsonObject o when IsInterval(o):
                rows.Add([label, $"{Number(o["estimate"])} [{Number(o["lower"])}, {Number(o["upper"])}]"]);
                break;
            case JsonObject o:
                foreach (var (key, value) in o)
                    if (key != "level") Add(value, label.Length == 0 ? Words(key) : $"{label} / {Words(key)}", rows);
                break;
            case JsonArray a when a.All(x => x is JsonValue):
                rows.Add([label, string.Join(", ", a.Select(Value))]);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Add(a[i], $"{label} [{i + 1}]", rows);
                break;
            default:
                rows.Add([label, Value(node)]);
                break;
        }
    }

    private static bool IsInterval(JsonObject o) => o.ContainsKey("estimate") && o.ContainsKey("lower") && o.ContainsKey("upper");

    private static string Words(string key) => key.Replace('_', ' ');

    private static string Value(JsonNode? node) =>
        node is null ? "null"
        : node.GetValueKind() == JsonValueKind.Number ? Number(node)
        : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
        : node.ToJsonString();

    /// <summary>An integer as it is; any other number to 4 decimals (named values such as NaN as written).</summary>
    private static string Number(JsonNode? node)
    {
        if (node is null) return "null";
        if (node.GetValueKind() == JsonValueKind.String) return node.GetValue<string>();
        var d = node.GetValue<double>();
        return d == Math.Floor(d) && Math.Abs(d) < 1e15 && !node.ToJsonString().Contains('.')
            ? d.ToString("0", CultureInfo.InvariantCulture)
            : CardFormat.F(d, "F4");
    }
}
