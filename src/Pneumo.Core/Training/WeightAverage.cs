using Pneumo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Training;

/// <summary>
/// An exponential moving average of a model's weights (Polyak averaging), updated after every optimizer step.
/// Evaluating and shipping the averaged weights smooths out the last steps' noise, which tends to generalise better.
/// </summary>
/// <remarks>
/// average = d * average + (1 - d) * weights for parameters and floating-point buffers (batch-norm statistics); integer
/// buffers are copied. The decay warms up as min(d, (1 + n) / (10 + n)) after n updates, so early averages are not
/// dominated by the random initialisation.
/// </remarks>
public sealed class WeightAverage : IDisposable
{
    private readonly Dictionary<string, Tensor> averageState;

    /// <param name="source">The model being trained.</param>
    /// <param name="copy">A fresh model of the same architecture that will hold the average.</param>
    /// <param name="decay">d, e.g. 0.998 (a time constant of about 500 steps).</param>
    public WeightAverage(ClassifierModel source, ClassifierModel copy, double decay)
    {
        if (decay is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), "must be in (0, 1)");
        Decay = decay;
        Model = copy;
        Model.load_state_dict(source.state_dict());
        foreach (var p in Model.parameters()) p.requires_grad = false;
        Model.eval();
        averageState = Model.state_dict();
    }

    public ClassifierModel Model { get; }
    public double Decay { get; }
    public long Updates { get; set; }

    public void Update(ClassifierModel source)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Updates++;
        double d = Math.Min(Decay, (1.0 + Updates) / (10.0 + Updates));
        using var keep = d.ToScalar();
        using var take = (1 - d).ToScalar();
        foreach (var (name, current) in source.state_dict())
        {
            var average = averageState[name];
            if (average.is_floating_point()) average.mul_(keep).add_(current, alpha: take);
            else average.copy_(current);
        }
    }

    public void Dispose() => Model.Dispose();
}
