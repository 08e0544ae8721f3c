using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests;

/// <summary>
/// No Pneumo code makes a TorchSharp <c>Scalar</c> from a number implicitly, itself or through a TorchSharp method that
/// does (such as <c>Tensor.add_(Tensor)</c>, which adds with an implicit alpha of 1). Such a Scalar is a temporary
/// with a finalizer that frees its native value, and nothing keeps it alive while the native call it was made for
/// runs: a garbage collection on another thread during that call lets the finalizer free it under libtorch's feet.
/// Pneumo makes its Scalars with <c>ToScalar()</c> in a <c>using</c>, which keeps them alive to the end of the block.
/// </summary>
/// <remarks>
/// Read from the compiled IL: every call in every method of the Pneumo assemblies, and, for calls into TorchSharp,
/// whatever TorchSharp calls directly from there on. Not followed: virtual dispatch inside TorchSharp (a module's
/// forward behind <c>Module.call</c>; its batch norm counts batches with an implicit 1, a microsecond-long window).
/// </remarks>
public class NativeLifetimeTests
{
    public static TheoryData<string> Assemblies => new() { "Pneumo.Core", "pneumo", "Pneumo.Bench", "Pneumo.Web" };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void NoNumberBecomesATemporaryScalar(string assembly)
    {
        var sites = ImplicitScalarSites(Assembly.Load(assembly)).ToList();
        Assert.True(sites.Count == 0, $"implicit Scalars in {assembly}:\n" + string.Join("\n", sites));
    }

    [Fact]
    public void TheScanFindsImplicitScalarsDirectAndThroughTorchSharp()
    {
        var sites = ImplicitScalarSites(typeof(NativeLifetimeTests).Assembly).ToList();
        Assert.Contains(sites, s => s.Contains(nameof(ConvertsImplicitly)) && s.Contains("op_Implicit"));
        Assert.Contains(sites, s => s.Contains(nameof(AddsWithAnImplicitAlpha)) && s.Contains("add_"));
        Assert.DoesNotContain(sites, s => s.Contains(nameof(ConvertsExplicitly)));
    }

    private static void ConvertsImplicitly(Tensor t) => t.mul_(0.5);

    private static void AddsWithAnImplicitAlpha(Tensor t) => t.add_(t);

    private static void ConvertsExplicitly(Tensor t)
    {
        using var half = 0.5.ToScalar();
        t.mul_(half).add_(t, alpha: half);
    }

    /// <summary>"Type.Method -> callee" for each call that makes an implicit Scalar, directly or inside TorchSharp.</summary>
    private static IEnumerable<string> ImplicitScalarSites(Assembly assembly)
    {
        foreach (var method in MethodsOf(assembly))
            foreach (var callee in Calls(method))
                if (MakesImplicitScalar(callee))
                    yield return $"{method.DeclaringType?.FullName}.{method.Name} -> {callee.DeclaringType?.Name}.{callee}";
    }

    private static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;
    private static readonly Dictionary<MethodBase, bool> Verdicts = new(); // settled answers (the class's tests run one at a time)

    private static bool IsImplicitScalar(MethodBase m) => m.Name == "op_Implicit" && m.DeclaringType == typeof(Scalar);

    /// <summary>Whether a call to <paramref name="method"/> makes an implicit Scalar: it is the conversion, or TorchSharp code that calls one (transitively, direct calls).</summary>
    private static bool MakesImplicitScalar(MethodBase method)
    {
        if (IsImplicitScalar(method)) return true;
        if (!InTorchSharp(method)) return false;
        var visited = new HashSet<MethodBase>();
        if (Reaches(Definition(method), visited)) return true;
        foreach (var m in visited) Verdicts[m] = false; // everything these reach was searched: no conversion
        return false;
    }

    /// <summary>Depth-first search for a conversion; a method already on the search path counts as not reaching one.</summary>
    private static bool Reaches(MethodBase method, HashSet<MethodBase> visited)
    {
        if (Verdicts.TryGetValue(method, out var known)) return known;
        if (!visited.Add(method)) return false;
        foreach (var callee in Calls(method))
            if (IsImplicitScalar(callee) || (InTorchSharp(callee) && Reaches(Definition(callee), visited)))
                return Verdicts[method] = true;
        return false;
    }

    private static bool InTorchSharp(MethodBase m) => m.DeclaringType?.Assembly == TorchSharpAssembly;

    private static MethodBase Definition(MethodBase m) => m is MethodInfo { IsGenericMethod: true } g ? g.GetGenericMethodDefinition() : m;

    private static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var m in type.GetMethods(declared)) yield return m;
            foreach (var c in type.GetConstructors(declared)) yield return c;
        }
    }

    /// <summary>The methods a method's body calls, constructs with or takes a pointer to (lambdas are their own methods).</summary>
    private static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments); }
                catch (ArgumentException) { } // a generic instantiation this context cannot resolve
                if (callee is not null) yield return callee;
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static NativeLifetimeTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.Size == 1) OneByte[(byte)op.Value] = op;
            else TwoByte[(byte)(op.Value & 0xFF)] = op;
        }
    }
}
