namespace Pneumo.Persistence;

/// <summary>
/// An ONNX image featurizer to use as a frozen base: the file, the name of its image input [N or 1, 3, S, S] and of the
/// feature output ([N, C], [N, C, 1, 1] or a map [N, C, h, w]). Recorded in <c>model.json</c> with the file's SHA-256,
/// so a model is never silently run on another backbone.
/// </summary>
public sealed record BackboneSpec(string File, string Input, string Output, string? Sha256 = null)
{
    /// <summary>The same spec with the file's absolute path and SHA-256.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public BackboneSpec WithHash()
    {
        var path = Path.GetFullPath(File);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"--backbone {File}: file not found", File);
        return this with { File = path, Sha256 = FileHash.Sha256(path) };
    }

    /// <summary>Checks that the file is the one recorded.</summary>
    /// <exception cref="InvalidDataException">Missing, or a different file.</exception>
    public void Verify()
    {
        if (!System.IO.File.Exists(File)) throw new InvalidDataException($"{File}: backbone file not found (the model was trained on it; copy it back or retrain)");
        if (Sha256 is not null && FileHash.Sha256(File) != Sha256)
            throw new InvalidDataException($"{File}: not the backbone the model was trained on (SHA-256 differs)");
    }
}
