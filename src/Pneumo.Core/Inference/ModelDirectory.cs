using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>A trained model on disk: a directory with the weights and <c>model.json</c>.</summary>
public sealed class ModelDirectory : IDisposable
{
    private ModelDirectory(string path, ClassifierModel model, ModelMetadata metadata, string version)
    {
        Path = path;
        Model = model;
        Metadata = metadata;
        Version = version;
    }

    public string Path { get; }
    public ClassifierModel Model { get; }
    public ModelMetadata Metadata { get; }

    /// <summary>The directory's name (e.g. <c>szanet</c> for <c>models/szanet</c>).</summary>
    public string Name => System.IO.Path.GetFileName(Path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));

    /// <summary>Identifies the weights: the first 12 hex digits of the SHA-256 of the weights file.</summary>
    public string Version { get; }

    /// <summary>True when <paramref name="dir"/> holds a <c>model.json</c>.</summary>
    public static bool Exists(string dir) => File.Exists(System.IO.Path.Combine(dir, FileNames.ModelMetadata));

    /// <summary>
    /// Writes weights and metadata atomically (weights first, so model.json never points at missing weights), with the
    /// weights' SHA-256 recorded in model.json.
    /// </summary>
    /// <returns>The metadata as written, with <see cref="ModelMetadata.WeightsSha256"/> set.</returns>
    public static ModelMetadata Save(string dir, ClassifierModel model, ModelMetadata metadata)
    {
        Directory.CreateDirectory(dir);
        var weights = System.IO.Path.Combine(dir, metadata.Weights);
        string sha = "";
        AtomicFile.Write(weights, tmp =>
        {
            model.SaveWeights(tmp, metadata.HalfWeights);
            sha = FileHash.Sha256(tmp);
        });
        var written = metadata with { WeightsSha256 = sha };
        Json.Write(System.IO.Path.Combine(dir, FileNames.ModelMetadata), written);
        return written;
    }

    /// <summary>
    /// The environment variable that, set to <c>1</c>, lets a <c>model.json</c> without <c>weights_sha256</c> load
    /// unverified, with a warning. An environment variable rather than an option, because every command and the service
    /// load models, often through workflows; it names a deliberate choice, never a default.
    /// </summary>
    public const string AllowUnverifiedVariable = "PNEUMO_ALLOW_UNVERIFIED_MODEL";

    /// <summary>Whether <see cref="AllowUnverifiedVariable"/> allows unverified models in this process.</summary>
    public static bool UnverifiedAllowed => Environment.GetEnvironmentVariable(AllowUnverifiedVariable) == "1";

    /// <summary>Loads a model directory, in evaluation mode (see <see cref="Load(string, Action{string})"/>).</summary>
    public static ModelDirectory Load(string dir) => Load(dir, null);

    /// <summary>Loads a model directory, in evaluation mode.</summary>
    /// <param name="dir">The model directory.</param>
    /// <param name="warn">Receives the warning for a model loaded unverified (allowed by <see cref="AllowUnverifiedVariable"/>).</param>
    /// <remarks>
    /// Without <paramref name="warn"/> the warning goes to standard error: a warning about trusting weights must not be
    /// lost because a caller passed no sink.
    /// </remarks>
    /// <exception cref="InvalidDataException">Not a model directory, a field out of range, no or a wrong weights hash, or unreadable weights; the message names the path.</exception>
    public static ModelDirectory Load(string dir, Action<string>? warn)
    {
        var metaPath = System.IO.Path.Combine(dir, FileNames.ModelMetadata);
        if (!Directory.Exists(dir)) throw new InvalidDataException($"{dir}: model directory not found");
        if (!File.Exists(metaPath)) throw new InvalidDataException($"{dir}: not a model directory (no {FileNames.ModelMetadata})");
        var document = Json.ReadObject(metaPath);
        var problems = ModelMetadataCheck.NamedValueProblems(document);
        var metadata = Json.Read<ModelMetadata>(document, metaPath);
        if (metadata.FormatVersion > ModelMetadata.CurrentFormatVersion)
            throw new InvalidDataException($"{metaPath}: format version {metadata.FormatVersion} is newer than this Pneumo understands ({ModelMetadata.CurrentFormatVersion})");
        problems.AddRange(ModelMetadataCheck.Problems(metadata));
        if (problems.Count > 0) throw new InvalidDataException($"{metaPath}: {string.Join("; ", problems)}");
        var weights = System.IO.Path.Combine(dir, metadata.Weights);
        if (!File.Exists(weights)) throw new InvalidDataException($"{weights}: weights file missing");
        if (metadata.WeightsSha256 is null)
        {
            // An edited or hand-made model.json could point at any weights: loading them unverified is a choice to state.
            if (!UnverifiedAllowed)
                throw new InvalidDataException($"{metaPath}: no weights_sha256, so its weights cannot be verified; set {AllowUnverifiedVariable}=1 to load it anyway");
            (warn ?? (w => Console.Error.WriteLine($"warning: {w}")))(
                $"{metaPath}: no weights_sha256: the weights are loaded unverified ({AllowUnverifiedVariable}=1)");
        }
        var sha = FileHash.Sha256(weights);
        if (metadata.WeightsSha256 is { } expected && sha != expected)
            throw new InvalidDataException(
                $"{weights}: SHA-256 {sha[..12]}... does not match {FileNames.ModelMetadata}'s weights_sha256 {expected[..12]}...: the weights were changed or damaged");
        ClassifierModel model;
        try { model = ModelRegistry.Get(metadata.Architecture).Build(metadata.Preprocessing.InputSize, metadata.Backbone); }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            throw new InvalidDataException($"{metaPath}: {e.Message}", e);
        }
        try { model.LoadWeights(weights, metadata.HalfWeights); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weights}: cannot load weights ({e.Message})", e);
        }
        model.eval();
        return new ModelDirectory(System.IO.Path.GetFullPath(dir), model, metadata, sha[..12]);
    }

    /// <summary>The first 12 hex digits of the SHA-256 of a weights file.</summary>
    public static string WeightsVersion(string weightsPath) => FileHash.Sha256(weightsPath)[..12];


    public void Dispose() => Model.Dispose();
}
