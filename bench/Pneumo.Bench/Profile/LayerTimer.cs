using System.Diagnostics;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Pneumo.Bench.Profile;

/// <summary>
/// Times every module of a model in a real training step, forward and backward, without changing what it computes:
/// hooks note when each module's forward starts and ends, and wrap its input and output in identity functions whose
/// backward notes the moment autograd reaches them.
/// </summary>
/// <remarks>
/// A module's backward time is the moment its input's gradient is ready minus the moment its output's gradient was:
/// for a block, that includes everything inside it; where the input needs no gradient (the image), the end of the
/// backward pass. libtorch's CPU kernels are synchronous and autograd runs one node at a time here, so wall-clock
/// differences are the work; a projection branch's backward can interleave with its block's main path, which then
/// counts for both. Modules that are never called (containers such as layer lists) have no row.
/// </remarks>
public sealed class LayerTimer : IDisposable
{
    private readonly List<Action> unhook = [];
    private readonly Dictionary<string, Timing> timings = [];
    private readonly List<string> order = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <summary>Hooks every submodule of <paramref name="model"/> (by state-dict prefix: <c>backbone.layer1.0.conv1</c>).</summary>
    public LayerTimer(nn.Module<Tensor, Tensor> model)
    {
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not nn.Module<Tensor, Tensor> m) continue;
            string key = name;
            var pre = m.register_forward_pre_hook((_, x) => Enter(key, x));
            var post = m.register_forward_hook((_, _, y) => Leave(key, y));
            unhook.Add(pre.remove);
            unhook.Add(post.remove);
        }
    }

    /// <summary>Per module (in first-call order): forward and backward milliseconds summed over the steps since <see cref="Reset"/>.</summary>
    public IReadOnlyList<(string Name, double ForwardMs, double BackwardMs)> Totals() =>
        order.Select(n => (n, timings[n].Forward, timings[n].Backward)).ToList();

    public void Reset()
    {
        timings.Clear();
        order.Clear();
    }

    /// <summary>Call after <c>loss.backward()</c> returns: closes the backward spans whose input needed no gradient.</summary>
    public void BackwardEnded()
    {
        double now = Now;
        foreach (var t in timings.Values)
        {
            if (t.OutputGradAt is double start) t.Backward += (t.InputGradAt ?? now) - start;
            t.OutputGradAt = t.InputGradAt = null;
        }
    }

    private double Now => clock.Elapsed.TotalMilliseconds;

    private Tensor Enter(string name, Tensor x)
    {
        if (!timings.TryGetValue(name, out var t))
        {
            timings[name] = t = new Timing();
            order.Add(name);
        }
        var marked = x.requires_grad ? Mark.apply(x, (Action)(() => t.InputGradAt = Now)) : x;
        t.ForwardStart = Now;
        return marked;
    }

    private Tensor Leave(string name, Tensor y)
    {
        var t = timings[name];
        t.Forward += Now - t.ForwardStart;
        return y.requires_grad ? Mark.apply(y, (Action)(() => t.OutputGradAt = Now)) : y;
    }

    public void Dispose()
    {
        foreach (var remove in unhook) remove();
    }

    private sealed class Timing
    {
        public double Forward, Backward, ForwardStart;
        public double? OutputGradAt, InputGradAt;
    }

    /// <summary>The identity, whose backward calls an action first (the moment the gradient reaches it).</summary>
    private sealed class Mark : SingleTensorFunction<Mark>
    {
        public override string Name => "ProfileMark";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("reached", vars[1]);
            return ((Tensor)vars[0]).detach(); // not alias(): its output would be a view, which the blocks' in-place addition may not modify
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
        {
            ((Action)ctx.get_data("reached"))();
            return [grad_output, null!]; // one per argument: the action has none
        }
    }
}
