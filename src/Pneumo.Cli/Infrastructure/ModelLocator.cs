using Pneumo.Persistence;
namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Finds the model to use when --model is not given: $PNEUMO_MODEL, else the shipped default,
/// models/resnet18-full-ensemble (four whole ImageNet ResNet18s fine-tuned, the mean of their logits; chosen on
/// validation, results/generalisation/DEFAULT-DECISION-3.md; its members are models/resnet18-full*). Any
/// folder with a <c>model.json</c> will do, an ensemble's (<c>pneumo ensemble</c>) too.
/// </summary>
/// <remarks>
/// The shipped default is looked for in the working directory and its parents (a checkout), then beside the program and
/// in its parents: the build inside a checkout finds the checkout's, and the .NET tool (<c>dotnet tool install pneumo</c>)
/// finds the copy packed beside it (src/Pneumo.Cli/Pneumo.Cli.csproj, docs/install.md), wherever it is run from. The
/// tool packs <see cref="CompactModel"/> only (the ensemble's four members would take the package past NuGet's 250 MB),
/// so the ensemble is looked for everywhere first, then round 1's model alone.
/// </remarks>
public static class ModelLocator
{
    public const string EnvironmentVariable = "PNEUMO_MODEL";
    public const string ShippedModel = "models/resnet18-full-ensemble";

    /// <summary>Round 1's single network, one of the ensemble's members: the default where the ensemble is not shipped (the .NET tool).</summary>
    public const string CompactModel = "models/resnet18-full";

    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return explicitPath;
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        // The ensemble anywhere before round 1's network anywhere (a checkout's ./pneumo run from elsewhere finds the
        // checkout's ensemble, not the compact copy published beside the program); in each, the working directory first,
        // then the repository the program was built in (bin/<config>/<tfm>/ lies inside it).
        foreach (var shipped in new[] { ShippedModel, CompactModel })
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = Path.Combine(dir.FullName, shipped);
                    if (File.Exists(Path.Combine(candidate, FileNames.ModelMetadata))) return candidate;
                }
        throw new UserError($"no model given and no {ShippedModel} (or {CompactModel}) found: pass --model MODEL_DIR (a folder with model.json)");
    }
}
