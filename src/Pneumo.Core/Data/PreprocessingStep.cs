using Pneumo.Persistence;

namespace Pneumo.Data;

/// <summary>
/// One operation of a model's preprocessing. <see cref="Of"/> turns a <see cref="Preprocessing"/> into its steps, in
/// order: the one description of what preprocessing does, which every engine follows (TorchSharp's
/// <see cref="PreprocessingOperations"/>, and the ONNX graph that <c>Inference.InferenceGraph</c> builds).
/// </summary>
/// <remarks>Input: RGB pixels [B, 3, H, W] as float32 0..255; every step keeps the layout.</remarks>
public abstract record PreprocessingStep
{
    private PreprocessingStep() { }

    /// <summary>The central window of <see cref="Settings"/>' <see cref="Preprocessing.CenterCrop"/>, resized bilinearly back to <see cref="Preprocessing.InputSize"/>.</summary>
    public sealed record CentreCrop(Preprocessing Settings) : PreprocessingStep;

    /// <summary>RGB to BGR: the channel axis reversed.</summary>
    public sealed record ReverseChannels : PreprocessingStep;

    /// <summary>Every value times <see cref="Factor"/> (always a step, even for 1).</summary>
    public sealed record Scale(double Factor) : PreprocessingStep;

    /// <summary>The per-pixel mean image <see cref="Name"/> [3, S, S] (<see cref="MeanImages"/>) subtracted.</summary>
    public sealed record SubtractMeanImage(string Name, int Size) : PreprocessingStep;

    /// <summary>A value per channel subtracted.</summary>
    public sealed record SubtractMean(double[] Mean) : PreprocessingStep;

    /// <summary>Each channel divided by its value.</summary>
    public sealed record DivideByStd(double[] Std) : PreprocessingStep;

    /// <summary>
    /// Each image shifted to mean 0 and divided by max(std, 1/sqrt(count)) over its 3 x H x W values, std with divisor
    /// count (TensorFlow's <c>per_image_standardization</c>).
    /// </summary>
    public sealed record StandardizePerImage : PreprocessingStep;

    /// <summary>The steps of <paramref name="p"/>, in the order they apply; steps that would change nothing are left out (the scale excepted).</summary>
    public static IReadOnlyList<PreprocessingStep> Of(Preprocessing p)
    {
        var steps = new List<PreprocessingStep>();
        if (p.CenterCrop < 1) steps.Add(new CentreCrop(p));
        if (p.ChannelOrder == ChannelOrder.Bgr) steps.Add(new ReverseChannels());
        steps.Add(new Scale(p.Scale));
        if (p.MeanImage is not null) steps.Add(new SubtractMeanImage(p.MeanImage, p.InputSize));
        if (p.Mean.Any(m => m != 0)) steps.Add(new SubtractMean(p.Mean));
        if (p.Std.Any(s => s != 1)) steps.Add(new DivideByStd(p.Std));
        if (p.PerImageStandardize) steps.Add(new StandardizePerImage());
        return steps;
    }
}
