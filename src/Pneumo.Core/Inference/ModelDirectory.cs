using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>A trained model on disk: a directory with the weights and <c>model.json</c>, or an ensemble's <c>model.json</c> naming other model directories.</summary>
/// <remarks>
/// An ensemble (<see cref="ModelMetadata.Members"/>) loads as one model: its <see cref="Model"/> is an
/// <see cref="EnsembleModel"/> of the members' networks, its metadata (preprocessing, calibration, thresholds, referral)
/// its own; each member is loaded and verified as any model is, and must still have the weights the ensemble recorded.
/// </remarks>
public sealed class ModelDirectory : IDisposable
{
    private readonly Lazy<ClassifierModel> model;

    private ModelDirectory(string path, Func<ClassifierModel> network, ModelMetadata metadata, string sha256, string architecture,
                           string featureLayer, IReadOnlyList<ModelDirectory>? members = null)
    {
        Path = path;
        Architecture = architecture;
        model = new(network, LazyThreadSafetyMode.ExecutionAndPublication);
        Metadata = metadata;
        WeightsSha256 = sha256;
        Version = sha256[..12];
        FeatureLayer = featureLayer;
        Members = members ?? [];
    }

    public string Path { get; }

    /// <summary>
    /// The network, in evaluation mode: loaded by <see cref="Load(string, Action{string}, bool)"/>, or on first use when
    /// it was told not to (then a weights file that does not fit the architecture is refused here, as
    /// <see cref="InvalidDataException"/>).
    /// </summary>
    public ClassifierModel Model => model.Value;

    /// <summary>Whether <see cref="Model"/>'s network is in memory (false until first use when loading was deferred).</summary>
    public bool NetworkLoaded => model.IsValueCreated;

    public ModelMetadata Metadata { get; }

    /// <summary>The architecture (an ensemble's describes its members): <see cref="ClassifierModel.Architecture"/> without loading the network.</summary>
    public string Architecture { get; }

    /// <summary>The layer Grad-CAM explains: <see cref="ClassifierModel.FeatureLayer"/> without loading the network.</summary>
    public string FeatureLayer { get; }

    /// <summary>The directory's name (e.g. <c>szanet</c> for <c>models/szanet</c>).</summary>
    public string Name => System.IO.Path.GetFileName(Path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));

    /// <summary>Identifies the weights: the first 12 hex digits of <see cref="WeightsSha256"/>.</summary>
    public string Version { get; }

    /// <summary>
    /// The SHA-256 of the weights file, as loaded; for an ensemble, the SHA-256 of its members' (<see cref="EnsembleCheck.Sha256"/>),
    /// so that it changes when any member does.
    /// </summary>
    public string WeightsSha256 { get; }

    /// <summary>An ensemble's members, in order (their networks are the <see cref="EnsembleModel"/>'s, disposed with it); empty for a single model.</summary>
    public IReadOnlyList<ModelDirectory> Members { get; }

    /// <summary>Whether the directory is an ensemble of other model directories (<see cref="Members"/>).</summary>
    public bool IsEnsemble => Metadata.IsEnsemble;

    /// <summary>True when <paramref name="dir"/> holds a <c>model.json</c>.</summary>
    public static bool Exists(string dir) => File.Exists(System.IO.Path.Combine(dir, FileNames.ModelMetadata));

    /// <summary>
    /// Writes weights and metadata atomically (weights first, so model.json never points at missing weights), with the
    /// weights' SHA-256 recorded in model.json.
    /// </summary>
    /// <returns>The metadata as written, with <see cref="ModelMetadata.WeightsSha256"/> set.</returns>
    public static ModelMetadata Save(string dir, ClassifierModel model, ModelMetadata metadata)
    {
        if (metadata.Weights is null) throw new ArgumentException("an ensemble has no weights to save", nameof(metadata));
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

    /// <summary>Loads a model directory, in evaluation mode (see <see cref="Load(string, Action{string}, bool)"/>).</summary>
    public static ModelDirectory Load(string dir) => Load(dir, null);

    /// <summary>Loads a model directory, in evaluation mode.</summary>
    /// <param name="dir">The model directory.</param>
    /// <param name="warn">Receives the warning for a model loaded unverified (allowed by <see cref="AllowUnverifiedVariable"/>).</param>
    /// <param name="deferNetwork">
    /// Verify the directory (model.json, the weights' SHA-256, an ensemble's members) but build the network and read its
    /// weights only when <see cref="Model"/> is first used: for a caller that may never need it (an ONNX Runtime engine
    /// whose graph is cached needs TorchSharp only for Grad-CAM), which then skips libtorch's start and the weights.
    /// </param>
    /// <remarks>
    /// Without <paramref name="warn"/> the warning goes to standard error: a warning about trusting weights must not be
    /// lost because a caller passed no sink.
    /// </remarks>
    /// <exception cref="InvalidDataException">Not a model directory, a field out of range, no or a wrong weights hash, or unreadable weights; the message names the path.</exception>
    public static ModelDirectory Load(string dir, Action<string>? warn, bool deferNetwork = false)
    {
        var loaded = Verify(dir, warn);
        if (deferNetwork) return loaded;
        try { _ = loaded.Model; }
        catch
        {
            loaded.Dispose();  // an ensemble's members whose networks did load
            throw;
        }
        return loaded;
    }

    /// <summary>model.json, the weights' SHA-256 and an ensemble's members checked; the network not yet built (see <see cref="Load(string, Action{string}, bool)"/>).</summary>
    private static ModelDirectory Verify(string dir, Action<string>? warn)
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
        if (metadata.IsEnsemble) return LoadEnsemble(dir, metaPath, metadata, warn);
        var weights = System.IO.Path.Combine(dir, metadata.Weights!);
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
        ArchitectureInfo architecture;
        string featureLayer;
        try
        {
            architecture = ModelRegistry.Get(metadata.Architecture);
            featureLayer = architecture.FeatureLayerOf(metadata.Backbone);
        }
        catch (ArgumentException e) { throw new InvalidDataException($"{metaPath}: {e.Message}", e); }
        ClassifierModel Network()
        {
            ClassifierModel model;
            try { model = architecture.BuildForLoading(metadata.Preprocessing.InputSize, metadata.Backbone, metadata.EffectiveTask.Outputs()); }
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
            return model;
        }
        return new ModelDirectory(System.IO.Path.GetFullPath(dir), Network, metadata, sha, architecture.Name, featureLayer);
    }

    /// <summary>
    /// Loads every member (verified as any model), checks that each still has the weights the ensemble recorded, is no
    /// ensemble itself and shares the ensemble's preprocessing and test-time augmentation, and combines their networks.
    /// </summary>
    private static ModelDirectory LoadEnsemble(string dir, string metaPath, ModelMetadata metadata, Action<string>? warn)
    {
        var members = new List<ModelDirectory>();
        try
        {
            foreach (var member in metadata.Members!)
            {
                var memberDir = member.Resolve(dir);
                if (!Exists(memberDir))
                    throw new InvalidDataException($"{metaPath}: member {member.Path} is not a model directory ({memberDir} has no {FileNames.ModelMetadata})");
                var loaded = Verify(memberDir, warn);
                members.Add(loaded);
                if (loaded.IsEnsemble)
                    throw new InvalidDataException($"{metaPath}: member {member.Path} is itself an ensemble; list its members instead");
                if (loaded.WeightsSha256 != member.WeightsSha256)
                    throw new InvalidDataException(
                        $"{metaPath}: member {member.Path} has other weights than when the ensemble was built (SHA-256 {loaded.Version}..., the ensemble records {member.WeightsSha256[..12]}...): rebuild the ensemble");
                if (EnsembleCheck.Mismatch(metadata, loaded.Metadata) is (var field, var value, var expected))
                    throw new InvalidDataException(
                        $"{metaPath}: member {member.Path} has {field} {value}, the ensemble {expected}: members must share the ensemble's preprocessing and test-time augmentation");
            }
        }
        catch
        {
            foreach (var m in members) m.Dispose();
            throw;
        }
        string described = EnsembleModel.Describe(members.Select(m => m.Architecture));
        if (described != metadata.Architecture)
        {
            foreach (var m in members) m.Dispose();
            throw new InvalidDataException($"{metaPath}: architecture '{metadata.Architecture}' does not describe its members ({described})");
        }
        ClassifierModel Network()
        {
            var model = new EnsembleModel(members.Select(m => m.Model).ToList());
            model.eval();
            return model;
        }
        // An ensemble has no weights file of its own: model.json says so, whatever the defaults filled in on reading.
        var own = metadata with { Weights = null, WeightsDtype = null, WeightsSha256 = null };
        return new ModelDirectory(System.IO.Path.GetFullPath(dir), Network, own, EnsembleCheck.Sha256(members.Select(m => m.WeightsSha256)), described,
                                  EnsembleModel.DescribeFeatureLayer(members.Select(m => m.FeatureLayer).ToList()), members);
    }

    /// <summary>The first 12 hex digits of the SHA-256 of a weights file.</summary>
    public static string WeightsVersion(string weightsPath) => FileHash.Sha256(weightsPath)[..12];


    /// <summary>Disposes the network if it was loaded (an ensemble's disposes its members'); an ensemble's members otherwise.</summary>
    public void Dispose()
    {
        if (model.IsValueCreated) model.Value.Dispose();
        else foreach (var m in Members) m.Dispose();
    }
}
