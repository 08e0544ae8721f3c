using Pneumo.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Bench;

/// <summary>
/// Float operations of one training step per image, counted on the model itself: each convolution's and dense layer's
/// multiply-adds (x2) in the forward pass, again for its weight gradient when its weight trains, and again for its
/// input gradient when a layer before it trains (the gradient must flow back through it). Batch norm, activations,
/// pooling and the optimiser are not counted: they are memory-bound and a few percent of the arithmetic.
/// </summary>
/// <remarks>
/// The layers are found by running the model once (batch of one, evaluation mode, no gradient) with a hook on every
/// <see cref="Conv2d"/> and <see cref="Linear"/>, in the order they run; a layer's multiply-adds are its output
/// elements times its inputs per output (input channels per group x kernel area, or input features). "Before" is that
/// order, which is the data flow for these architectures (a residual projection runs after the block's first layers,
/// both after the previous block).
/// </remarks>
public static class TrainingFlops
{
    /// <summary>
    /// GFLOP per image of a training step of <paramref name="model"/> on <paramref name="inputSize"/> x
    /// <paramref name="inputSize"/> inputs; null for a model with a frozen front (<see cref="ClassifierModel.HasFrozenFront"/>),
    /// which runs in ONNX Runtime and can be cached between epochs: the step's arithmetic is not the model's.
    /// </summary>
    public static double? Gflop(ClassifierModel model, int inputSize)
    {
        if (model.HasFrozenFront) return null;
        var layers = new List<(double ForwardFlops, bool Trains)>();
        var unhook = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    unhook.Add(conv.register_forward_hook((_, _, y) =>
                    {
                        var w = conv.weight!;
                        layers.Add((2.0 * y.numel() * w.shape[1] * w.shape[2] * w.shape[3], w.requires_grad));
                        return y;
                    }).remove);
                    break;
                case Linear linear:
                    unhook.Add(linear.register_forward_hook((_, _, y) =>
                    {
                        layers.Add((2.0 * y.numel() * linear.weight!.shape[1], linear.weight!.requires_grad));
                        return y;
                    }).remove);
                    break;
            }
        }
        bool training = model.training;
        try
        {
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(zeros(1, 3, inputSize, inputSize));
        }
        finally
        {
            foreach (var remove in unhook) remove();
            model.train(training);
        }
        double flops = 0;
        bool anyBefore = false;
        foreach (var (forward, trains) in layers)
        {
            flops += forward * (1 + (trains ? 1 : 0) + (anyBefore ? 1 : 0));
            anyBefore |= trains;
        }
        return flops / 1e9;
    }
}
