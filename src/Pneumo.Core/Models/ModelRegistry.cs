using Pneumo.Data;

namespace Pneumo.Models;

/// <summary>What a registered architecture is: how to build it and the preprocessing its weights expect.</summary>
public sealed record ArchitectureInfo(string Name, string Description, Func<Preprocessing, ClassifierModel> Build, Preprocessing DefaultPreprocessing);

/// <summary>Maps architecture names to builders; the one place that knows which architectures exist.</summary>
public static class ModelRegistry
{
    private static readonly Dictionary<string, ArchitectureInfo> Architectures = new(StringComparer.OrdinalIgnoreCase)
    {
        [SzaNet.Name] = new(SzaNet.Name, "the paper's custom CNN, trained from scratch",
                            p => new SzaNet(p.InputSize), Preprocessing.UnitScale(perImageStandardize: true)),
    };

    public static IReadOnlyCollection<string> Names => Architectures.Keys;

    public static bool Contains(string name) => Architectures.ContainsKey(name);

    /// <exception cref="ArgumentException">Unknown architecture; the message lists the known ones.</exception>
    public static ArchitectureInfo Get(string name) =>
        Architectures.TryGetValue(name, out var info)
            ? info
            : throw new ArgumentException($"unknown architecture '{name}' (known: {string.Join(", ", Names)})");
}
