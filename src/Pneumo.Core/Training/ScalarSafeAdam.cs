using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Training;

/// <summary>
/// TorchSharp's Adam, with the step's numbers held as <see cref="Scalar"/>s for the whole step. Same state, same
/// checkpoints, same arithmetic in the same order (a test compares it with TorchSharp's Adam bit for bit).
/// </summary>
/// <remarks>
/// Why: TorchSharp's <c>Adam.step</c> passes numbers such as <c>1 - beta1</c> as implicit Scalars: temporaries that
/// nothing keeps alive during the native call, so a garbage collection on another thread (the batch loader's) can let
/// the finalizer free one while libtorch reads it. That corrupted memory in <c>pneumo bench --quick</c>. Supports what
/// Pneumo uses: no L2 weight decay, no AMSGrad, no maximize.
/// <para>
/// With <see cref="DecoupledWeightDecay"/> &gt; 0 it is AdamW (Loshchilov and Hutter, 2019) as PyTorch computes it: each
/// step first shrinks the weights by lr x decay, then takes the Adam step. The decay applies to weight matrices and
/// convolution kernels only (tensors of two or more dimensions), not to biases or batch-norm scales, as is usual.
/// The optimizer's state is Adam's, so checkpoints are the same.
/// </para>
/// </remarks>
public sealed class ScalarSafeAdam : TorchSharp.Modules.Adam
{
    public ScalarSafeAdam(IEnumerable<ParamGroup> groups, double learningRate, double decoupledWeightDecay = 0)
        : base(groups, learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false)
    {
        if (decoupledWeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(decoupledWeightDecay));
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>AdamW's weight decay (0 = plain Adam).</summary>
    public double DecoupledWeightDecay { get; }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.weight_decay is not 0.0 || options.amsgrad is true || options.maximize is true)
            throw new NotSupportedException("ScalarSafeAdam supports Adam without weight decay, AMSGrad or maximize");
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        using var keep1 = beta1.ToScalar();
        using var keep2 = beta2.ToScalar();
        using var take1 = (1 - beta1).ToScalar();
        using var take2 = (1 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var one = 1.ToScalar();
        using var shrink = (1 - lr * DecoupledWeightDecay).ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            if (DecoupledWeightDecay > 0 && param.dim() >= 2)
            {
                using var noGrad = no_grad();
                param.mul_(shrink);
            }
            var state = (State)_state[param.Handle];
            state.step += 1;
            double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
            using var root2 = Math.Sqrt(correction2).ToScalar();
            using var stepSize = (-(lr / correction1)).ToScalar();
            state.exp_avg.mul_(keep1).add_(grad, alpha: take1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: take2);
            var denominator = state.exp_avg_sq.sqrt().div_(root2).add_(eps, alpha: one);
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
