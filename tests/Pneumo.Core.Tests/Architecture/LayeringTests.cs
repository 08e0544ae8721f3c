using NetArchTest.Rules;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Architecture;

/// <summary>
/// The library's folders are layers: a folder uses only folders of lower layers (never one of its own layer, never a
/// higher one), so no two folders depend on each other and nothing forms a cycle. Read from the compiled assembly by
/// NetArchTest, so a dependency through a fully qualified name counts as much as one through a <c>using</c> line.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    private static readonly System.Reflection.Assembly Library = typeof(Pneumo.Persistence.Json).Assembly;

    /// <summary>The layers from the bottom up: index 0 is README's layer 1 ("Layout"). The root namespace <c>Pneumo</c> (layer 0) is below them all.</summary>
    internal static readonly string[][] Layers =
    [
        ["Persistence", "Runtime", "Imaging"],
        ["Data", "Models"],
        ["Inference"],
        ["Training", "Evaluation", "Explain", "Pruning", "Export"],
        ["Audit", "Diagnosis"],
        ["Workflows"],
        ["Reporting", "Cluster"],
    ];

    private static readonly Dictionary<string, int> LayerOf =
        Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(x => x.f, x => x.layer);

    [Fact]
    public void Every_folder_of_the_library_has_a_layer()
    {
        var folders = Library.GetTypes().Select(Folder).Where(f => f is not null).Distinct().ToList();
        Assert.DoesNotContain(folders, f => !LayerOf.ContainsKey(f!));
        Assert.True(folders.Count >= 10, $"only {folders.Count} folders found: is the assembly the library?");
    }

    [Fact]
    public void A_folder_uses_only_folders_of_lower_layers()
    {
        var violations = new List<string>();
        foreach (var (folder, layer) in LayerOf)
        {
            var forbidden = LayerOf.Where(kv => kv.Value >= layer && kv.Key != folder).Select(kv => Namespace(kv.Key)).ToArray();
            var result = Types.InAssembly(Library).That().ResideInNamespace(Namespace(folder))
                              .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
            if (!result.IsSuccessful)
                violations.AddRange(result.FailingTypeNames.Select(t => $"{t} (layer {layer + 1}, README numbering) uses a folder of its own layer or above"));
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_root_namespace_uses_no_folder()
    {
        var result = Types.InAssembly(Library).That().ResideInNamespaceMatching("^Pneumo$")
                          .ShouldNot().HaveDependencyOnAny(LayerOf.Keys.Select(Namespace).ToArray()).GetResult();
        Assert.True(result.IsSuccessful, string.Join("\n", result.FailingTypeNames ?? []));
    }

    /// <summary>
    /// What the compiled check cannot see, read from the source: a <c>const</c> is copied into its user, so a reference
    /// to another folder's constant leaves no trace in the assembly, and an unused <c>using</c> line leaves none either.
    /// No source file of a folder names a folder of its own layer or above (code and using lines; doc comments aside).
    /// </summary>
    [Fact]
    public void The_source_names_only_folders_of_lower_layers()
    {
        var root = Path.Combine(TestData.RepositoryRoot, "src", "Pneumo.Core");
        var violations = new List<string>();
        foreach (var (folder, layer) in LayerOf)
        {
            var dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories))
                foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
                {
                    if (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(line, @"\bPneumo\.([A-Z][A-Za-z]+)\b"))
                        if (LayerOf.TryGetValue(m.Groups[1].Value, out var other) && m.Groups[1].Value != folder && other >= layer)
                            violations.Add($"{Path.GetRelativePath(root, file)}:{number}: {folder} (layer {layer + 1}) names {m.Groups[1].Value} (layer {other + 1})");
                }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    /// <summary>Evaluation is numbers in, numbers out: metrics never need the deep learning engine.</summary>
    [Fact]
    public void Evaluation_uses_no_TorchSharp()
    {
        var result = Types.InAssembly(Library).That().ResideInNamespace("Pneumo.Evaluation").ShouldNot().HaveDependencyOn("TorchSharp").GetResult();
        Assert.True(result.IsSuccessful, string.Join("\n", result.FailingTypeNames ?? []));
    }

    /// <summary>The folder graph itself (which folder uses which), acyclic; printed for the record.</summary>
    [Fact]
    public void No_cycle_between_folders()
    {
        var edges = FolderGraph();
        foreach (var (from, to) in edges.OrderBy(e => e.Key)) output.WriteLine($"{from} -> {string.Join(", ", to.Order())}");
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    /// <summary>The check itself can fail: a graph with a two-way dependency has a cycle.</summary>
    [Fact]
    public void The_cycle_check_finds_a_two_way_dependency()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(graph));
        Assert.Null(FindCycle(new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"] }));
    }

    internal static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var folders = Library.GetTypes().Select(Folder).Where(f => f is not null).Select(f => f!).Distinct().ToList();
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var from in folders)
            foreach (var to in folders.Where(t => t != from))
                if (Types.InAssembly(Library).That().ResideInNamespace(Namespace(from)).And().HaveDependencyOn(Namespace(to)).GetTypes().Any())
                    edges[from].Add(to);
        return edges;
    }

    /// <summary>A cycle as a path that returns to its start, or null.</summary>
    internal static List<string>? FindCycle(IReadOnlyDictionary<string, HashSet<string>> edges)
    {
        var state = new Dictionary<string, int>();  // 1 = on the path, 2 = done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in (edges.TryGetValue(node, out var n) ? n : []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.SkipWhile(p => p != next), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    private static string Namespace(string folder) => "Pneumo." + folder;

    /// <summary>The library folder of a type (<c>Pneumo.Imaging.Dicom.X</c> is in Imaging), or null outside one.</summary>
    private static string? Folder(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Pneumo.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;
}
