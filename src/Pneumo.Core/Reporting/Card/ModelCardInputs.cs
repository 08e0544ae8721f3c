using System.Text.Json.Nodes;
using Pneumo.Audit;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>
/// Everything a model card is written from: the model directory (<c>model.json</c>, <c>split.csv</c>,
/// <c>history.csv</c>, the weights' checksum), the evaluations and audits given for it, and the READMEs that discuss them.
/// </summary>
/// <remarks>Paths are kept as the user named them, so that the card cites them the same way.</remarks>
public sealed record ModelCardInputs
{
    /// <summary>The model directory as named.</summary>
    public required string ModelDirectory { get; init; }
    /// <summary>The directory's name (e.g. <c>resnet18-full</c>).</summary>
    public required string Name { get; init; }
    public required ModelMetadata Metadata { get; init; }
    /// <summary><c>model.json</c> as a document, for fields newer than <see cref="ModelMetadata"/> (e.g. an ensemble's <c>members</c>).</summary>
    public required JsonObject Document { get; init; }
    /// <summary>The first 12 hex digits of the weights' SHA-256 recorded in <c>model.json</c>, or null when none is recorded.</summary>
    public required string? Version { get; init; }
    /// <summary>What was checked of the weights file against <c>model.json</c>, for people.</summary>
    public required string WeightsCheck { get; init; }
    public IReadOnlyList<EpochLogs>? History { get; init; }
    public SplitCounts? Split { get; init; }
    public IReadOnlyList<CardEvaluation> Evaluations { get; init; } = [];
    public IReadOnlyList<CardAudit> Audits { get; init; } = [];
    /// <summary>Facts about the inputs the card must state (e.g. an evaluation recorded under another directory name).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>README files beside the evaluations and audits, where the people who made them discuss the results.</summary>
    public IReadOnlyList<string> Discussions { get; init; } = [];

    public string ModelFile => Path.Combine(ModelDirectory, FileNames.ModelMetadata);

    /// <summary>The ensemble's members as <c>model.json</c> lists them; null for a single model.</summary>
    public JsonArray? Members => Document["members"] as JsonArray;

    /// <summary>The test-set evaluation (the first given), or null.</summary>
    public CardEvaluation? Test => Evaluations.FirstOrDefault(e => e.IsTest);

    /// <summary>The audit of <paramref name="split"/> (the first given), or null.</summary>
    public CardAudit? Audit(string split) => Audits.FirstOrDefault(a => a.Result.Split == split);

    /// <summary>Reads a model directory and the evaluation and audit folders given for it, refusing results of another model.</summary>
    /// <exception cref="UserError">An evaluation or audit of another model, or weights that do not match <c>model.json</c>; the message names the folder.</exception>
    /// <exception cref="InvalidDataException">A folder without the expected file, or a malformed one; the message names it.</exception>
    public static ModelCardInputs Load(string modelDir, IReadOnlyList<string> evaluationDirs, IReadOnlyList<string> auditDirs)
    {
        if (!System.IO.Directory.Exists(modelDir)) throw new DirectoryNotFoundException($"{modelDir}: model directory not found");
        var metaPath = Path.Combine(modelDir, FileNames.ModelMetadata);
        if (!File.Exists(metaPath)) throw new InvalidDataException($"{modelDir}: not a model directory (no {FileNames.ModelMetadata})");
        var document = Json.ReadObject(metaPath);
        var metadata = Json.Read<ModelMetadata>(document, metaPath);
        var name = Path.GetFileName(Path.GetFullPath(modelDir).TrimEnd('/', '\\'));
        // An ensemble's version is that of its members' weights, as ModelDirectory computes it.
        var sha256 = metadata.Members is { Count: > 0 } members ? EnsembleCheck.Sha256(members.Select(m => m.WeightsSha256)) : metadata.WeightsSha256;
        var version = sha256 is { Length: >= 12 } sha ? sha[..12] : null;
        var notes = new List<string>();

        var evaluations = evaluationDirs.Select(d => LoadEvaluation(d, metadata, name, version, notes)).ToList();
        var audits = auditDirs.Select(d => LoadAudit(d, name, version)).ToList();
        var history = Path.Combine(modelDir, FileNames.History);
        var split = Path.Combine(modelDir, FileNames.Split);
        return new ModelCardInputs
        {
            ModelDirectory = modelDir, Name = name, Metadata = metadata, Document = document, Version = version,
            WeightsCheck = CheckWeights(modelDir, metadata),
            History = File.Exists(history) ? ResultFiles.ReadHistory(history) : null,
            Split = File.Exists(split) ? SplitCounts.Read(split) : null,
            Evaluations = evaluations, Audits = audits, Notes = notes,
            Discussions = evaluationDirs.Concat(auditDirs).Select(NearestReadme).OfType<string>().Distinct().ToList(),
        };
    }

    private static CardEvaluation LoadEvaluation(string dir, ModelMetadata metadata, string name, string? version, List<string> notes)
    {
        var path = Path.Combine(dir, FileNames.Metrics);
        if (!File.Exists(path)) throw new InvalidDataException($"--evaluation {dir}: no {FileNames.Metrics} (a folder written by pneumo evaluate)");
        var document = Json.ReadObject(path);
        // The calibration and referral sections are shown as the file gives them (from document): the typed read
        // takes the fixed fields only, so a file of another layout of those sections is still read.
        var fixedFields = (System.Text.Json.Nodes.JsonObject)document.DeepClone();
        fixedFields.Remove("calibration");
        fixedFields.Remove("referral");
        var result = Json.Read<EvaluationResult>(fixedFields, path);
        if (result.Architecture != metadata.Architecture)
            throw new UserError($"--evaluation {dir}: {FileNames.Metrics} evaluates a {result.Architecture} model, not {name} ({metadata.Architecture})");
        if (document["version"]?.GetValue<string>() is { } evaluated && version is not null && evaluated != version)
            throw new UserError($"--evaluation {dir}: {FileNames.Metrics} evaluates weights version {evaluated}, not {name}'s {version}");
        var recorded = Path.GetFileName(result.Model.TrimEnd('/', '\\'));
        if (recorded != name)
            notes.Add($"`{path}` records its model as `{result.Model}`, a directory named differently from `{name}` (same architecture; " +
                      "the evaluation does not record the weights' checksum, so that it is the same model is not checked).");
        return new CardEvaluation(dir, result, document);
    }

    private static CardAudit LoadAudit(string dir, string name, string? version)
    {
        var path = Path.Combine(dir, FileNames.Audit);
        if (!File.Exists(path)) throw new InvalidDataException($"--audit {dir}: no {FileNames.Audit} (a folder written by pneumo audit)");
        var result = Json.Read<AuditResult>(path);
        if (version is not null && result.Version != version)
            throw new UserError($"--audit {dir}: {FileNames.Audit} audits {result.ModelName} version {result.Version}, not {name}'s version {version}");
        return new CardAudit(dir, result);
    }

    /// <summary>Checks the weights file against the SHA-256 that <c>model.json</c> records.</summary>
    private static string CheckWeights(string modelDir, ModelMetadata metadata)
    {
        if (metadata.Members is { Count: > 0 } members)
        {
            foreach (var member in members)
            {
                var dir = member.Resolve(modelDir);
                var memberFile = Path.Combine(dir, FileNames.ModelMetadata);
                if (!File.Exists(memberFile)) return $"member {member.Path} is absent; the version is model.json's record of the members";
                Verify(Path.Combine(dir, Json.Read<ModelMetadata>(memberFile).Weights), member.WeightsSha256,
                       $"the ensemble's model.json records for member {member.Path} (rebuild the ensemble)");
            }
            return "each member's weights match the SHA-256 the ensemble's model.json records; the version is the SHA-256 of theirs";
        }
        var weights = Path.Combine(modelDir, metadata.Weights);
        if (metadata.WeightsSha256 is null) return "no checksum recorded in model.json";
        if (!File.Exists(weights)) return $"the weights file {metadata.Weights} is absent; the version is model.json's";
        Verify(weights, metadata.WeightsSha256, "model.json records (the weights were changed)");
        return $"the SHA-256 of {metadata.Weights} matches model.json";
    }

    /// <summary>Refuses a weights file whose SHA-256 is not <paramref name="recorded"/>; <paramref name="whose"/> ends the message.</summary>
    private static void Verify(string weights, string recorded, string whose)
    {
        var actual = FileHash.Sha256(weights);
        if (actual != recorded)
            throw new UserError($"{weights}: SHA-256 {actual[..12]}... does not match the {recorded[..12]}... {whose}");
    }

    /// <summary>The README.md of <paramref name="dir"/> or of the nearest folder above it (at most two levels up, not the repository's own).</summary>
    private static string? NearestReadme(string dir)
    {
        var current = dir.TrimEnd('/', '\\');
        for (int level = 0; level <= 2 && current.Length > 0; level++)
        {
            if (File.Exists(Path.Combine(current, "Pneumo.slnx")) || Path.Exists(Path.Combine(current, ".git"))) return null;
            var readme = Path.Combine(current, "README.md");
            if (File.Exists(readme)) return readme;
            current = Path.GetDirectoryName(current) ?? "";
        }
        return null;
    }
}
