namespace Pneumo.Audit;

/// <summary>What an audit looks at and how: the split, the regions, the resampling and the subset.</summary>
public sealed record AuditSettings
{
    /// <summary>The model's own validation part, rebuilt from its model directory.</summary>
    public const string Validation = "validation";
    /// <summary>The official test set, ROOT/test.</summary>
    public const string Test = "test";

    public string Split { get; init; } = Validation;

    /// <summary>Width of the border band on each side, as a fraction of the image's shorter side.</summary>
    public double Border { get; init; } = 0.1;

    /// <summary>Side of a corner patch (marker-sized), as a fraction of the image's shorter side.</summary>
    public double Patch { get; init; } = 0.15;

    public int Bootstrap { get; init; } = Evaluation.Metrics.Bootstrap.DefaultResamples;

    /// <summary>At most this many images per class (a seeded subset, whole patients first); null = all.</summary>
    public int? Limit { get; init; }

    /// <summary>Seeds the subset and the bootstrap.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Torch threads (0 = all cores); an execution setting.</summary>
    public int Threads { get; init; }

    /// <summary>Images per forward and backward pass (each also runs as three masked copies and their mirrors).</summary>
    public int Chunk { get; init; } = 16;

    /// <summary>The first problem with the settings, naming the option; null when they are usable.</summary>
    public string? Validate() =>
        Split is not (Validation or Test) ? $"--split must be {Validation} or {Test}, not '{Split}'"
        : !(Border > 0 && Border < 0.5) ? "--border must be a fraction in (0, 0.5)"
        : !(Patch > 0 && Patch <= 0.5) ? "--patch must be a fraction in (0, 0.5]"
        : Bootstrap < 100 ? "--bootstrap must be at least 100"
        : Limit is < 1 ? "--limit must be at least 1"
        : Threads < 0 ? "--threads must be 0 (all cores) or more"
        : Chunk < 1 ? "chunk must be at least 1"
        : null;
}
