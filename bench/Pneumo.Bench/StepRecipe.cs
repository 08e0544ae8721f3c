using Pneumo.Models.ResNet;

namespace Pneumo.Bench;

/// <summary>
/// The optimiser of a benchmarked training step: the recipe the architecture's committed model was trained with
/// (models/ARCH/model.json), so that the bench times the step <c>pneumo train</c> runs, and the peer copies it.
/// </summary>
/// <remarks>
/// resnet18-full (the default model): AdamW with weight decay 0.01, learning rate 5e-4, weight average 0.995; the
/// others: the paper's Adam at 5e-5, weight average 0.998. The rates do not change the speed; the decay adds one
/// multiplication per weight.
/// </remarks>
public sealed record StepRecipe(double LearningRate, double WeightDecay, double EmaDecay)
{
    public static StepRecipe For(string arch) => arch == ResNetTransfer.FullName ? new(5e-4, 0.01, 0.995) : new(5e-5, 0, 0.998);
}
