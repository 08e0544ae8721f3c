using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

/// <summary>The JSON conventions of every file Pneumo writes: snake_case, indented, enums as strings, NaN allowed.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The same conventions on one line, with only the escaping JSON requires (for metadata embedded in other formats).</summary>
    public static readonly JsonSerializerOptions CompactOptions = new(Options)
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static string SerializeCompact<T>(T value) => JsonSerializer.Serialize(value, CompactOptions);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("empty JSON document");

    /// <summary>Writes a value as JSON atomically.</summary>
    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    /// <summary>Reads a JSON file; the exception message names the file.</summary>
    public static T Read<T>(string path)
    {
        try { return Deserialize<T>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: invalid JSON ({e.Message})", e); }
    }

    /// <summary>Reads a JSON file holding an object, as a document to inspect before it is read as a record.</summary>
    public static JsonObject ReadObject(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: invalid JSON ({e.Message})", e); }
    }

    /// <summary>Reads a document from <paramref name="path"/> (see <see cref="ReadObject"/>) as a record; the exception message names the file.</summary>
    public static T Read<T>(JsonObject document, string path)
    {
        try { return document.Deserialize<T>(Options) ?? throw new JsonException("empty JSON document"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: invalid JSON ({e.Message})", e); }
    }
}
