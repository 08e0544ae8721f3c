namespace Pneumo.Data;

/// <summary>Finds the dataset: an explicit folder, else $PNEUMO_DATA, else data/chest_xray, else ../shared/data/chest_xray.</summary>
public static class DataRoot
{
    /// <summary>The environment variable that names the data root.</summary>
    public const string EnvironmentVariable = "PNEUMO_DATA";

    /// <summary>Where to get the dataset, for messages.</summary>
    public const string HowToObtain =
        "Download the chest X-ray set from Mendeley Data (doi:10.17632/rscbjbr9sj.2) or Kaggle's \"chest-xray-pneumonia\" archive " +
        "and unpack it so that data/chest_xray/train/{NORMAL,PNEUMONIA} exist, or pass --data DIR, or set PNEUMO_DATA.";

    /// <summary>The candidate folders in order of precedence (explicit, environment, ./data/chest_xray, ../shared/data/chest_xray).</summary>
    public static IEnumerable<string> Candidates(string? explicitRoot, string workingDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot)) { yield return explicitRoot; yield break; }
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) { yield return fromEnv; yield break; }
        yield return Path.Combine(workingDirectory, "data", "chest_xray");
        yield return Path.GetFullPath(Path.Combine(workingDirectory, "..", "shared", "data", "chest_xray"));
    }

    /// <summary>The data root to use.</summary>
    /// <exception cref="DataException">No candidate exists; the message says how to obtain the data.</exception>
    public static string Resolve(string? explicitRoot, string? workingDirectory = null)
    {
        var cwd = workingDirectory ?? Directory.GetCurrentDirectory();
        var candidates = Candidates(explicitRoot, cwd).ToList();
        foreach (var c in candidates)
            if (Directory.Exists(c)) return Path.GetFullPath(c);
        throw new DataException($"dataset not found (looked in {string.Join(", ", candidates)}). {HowToObtain}");
    }
}
