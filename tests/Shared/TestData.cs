using Xunit;

namespace Pneumo.Tests;

/// <summary>Where the real dataset is for tests (read-only), and small data roots built from it in temporary folders.</summary>
public static class TestData
{
    /// <summary>The repository root (the folder holding Pneumo.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>$PNEUMO_DATA, else ../shared/data/chest_xray beside the repository; null when absent.</summary>
    public static string? DatasetRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("PNEUMO_DATA");
            var candidate = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "chest_xray"));
            return Directory.Exists(Path.Combine(candidate, "train")) ? candidate : null;
        }
    }

    /// <summary>Skips the calling test, with a message, when the dataset is not there.</summary>
    public static string RequireDataset()
    {
        var root = DatasetRoot;
        Skip.If(root is null, "the chest X-ray dataset is not available (../shared/data/chest_xray or $PNEUMO_DATA): real-image test skipped");
        return root!;
    }

    /// <summary>
    /// A data root in a temporary folder with the first <paramref name="perClass"/> images (by name) of each class of the
    /// given splits, copied from the real dataset.
    /// </summary>
    public static TempDir SmallDataRoot(int perClass, params string[] splits)
    {
        var source = RequireDataset();
        var temp = new TempDir();
        foreach (var split in splits)
        foreach (var cls in new[] { "NORMAL", "PNEUMONIA" })
        {
            var target = Directory.CreateDirectory(Path.Combine(temp.Path, split, cls)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(source, split, cls)).Order(StringComparer.Ordinal).Take(perClass))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return temp;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pneumo.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Pneumo.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pneumo-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
