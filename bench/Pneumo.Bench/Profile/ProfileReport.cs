using Pneumo.Persistence;

namespace Pneumo.Bench.Profile;

/// <summary>Where a training step's time goes, per architecture and precision (<c>pneumo bench --profile</c>).</summary>
public sealed record ProfileReport
{
    public int FormatVersion { get; init; } = 1;
    public required Provenance Provenance { get; init; }
    public required MachineInfo Machine { get; init; }
    public int Threads { get; init; }
    public int BatchSize { get; init; }
    public int InputSize { get; init; }
    public required List<ProfileRun> Runs { get; init; }
    public double Seconds { get; init; }
}

/// <summary>
/// One architecture in one precision: the step's phases (medians over <see cref="Steps"/> steps without hooks), and
/// per module the mean forward and backward time of the same number of steps with the layer timer's hooks.
/// </summary>
/// <param name="StepMs">Median step without hooks; <paramref name="ImagesPerSecond"/> follows from it.</param>
/// <param name="HookedStepMs">Median step with the hooks (their overhead is the difference).</param>
public sealed record ProfileRun(string Arch, string Precision, string Optimizer, int Steps, double StepMs, double ImagesPerSecond, double HookedStepMs,
                                List<PhaseTime> Phases, List<LayerTime> Layers, List<KindTime> Kinds);

/// <summary>One phase of the step (forward, loss, backward, optimizer, average, readout): median ms and share of the step.</summary>
public sealed record PhaseTime(string Name, double Ms, double Share);

/// <summary>
/// One module's own time (its children's rows are subtracted: a block's row is the work between its layers: ReLU,
/// padding, the residual addition; in bfloat16, also its convolutions, which then run outside the Conv2d module).
/// Share: of the hooked step's forward plus backward.
/// </summary>
public sealed record LayerTime(string Name, string Kind, double ForwardMs, double BackwardMs, double TotalMs, double Share);

/// <summary>The layer rows summed by kind (Conv2d, BatchNorm2d, ...).</summary>
public sealed record KindTime(string Kind, double ForwardMs, double BackwardMs, double TotalMs, double Share);
