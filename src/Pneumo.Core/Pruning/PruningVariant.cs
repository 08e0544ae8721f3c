using Pneumo.Persistence;
namespace Pneumo.Pruning;

/// <summary>A pruning method, with or without retraining afterwards: one line of the table and the plot.</summary>
public sealed record PruningVariant(PruningMethod Method, bool Retrained)
{
    /// <summary>The name of the unpruned model's row.</summary>
    public const string DenseName = "dense";

    /// <summary><c>random</c>, <c>random-retrained</c>, <c>magnitude</c> or <c>magnitude-retrained</c>.</summary>
    public string Name => Method.ToString().ToLowerInvariant() + (Retrained ? "-retrained" : "");

    public override string ToString() => Name;
}

/// <summary>One unit of work of a sweep: a variant at one requested sparsity.</summary>
public sealed record PruningStep(PruningVariant Variant, double Sparsity)
{
    /// <summary>A stable key for resuming, e.g. <c>magnitude-retrained@0.50</c>.</summary>
    public string Key => Keys(Variant.Name, Sparsity);

    public static string Keys(string variant, double sparsity) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{variant}@{sparsity:0.00##}");
}
