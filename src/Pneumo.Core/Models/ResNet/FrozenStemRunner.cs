using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Pneumo.Models.Onnx;
using Tensor = TorchSharp.torch.Tensor;

namespace Pneumo.Models.ResNet;

/// <summary>
/// Runs the frozen front of a backbone (stem and leading frozen blocks) in ONNX Runtime: the same weights and
/// operations, exported once in memory, computed several times faster on a CPU than libtorch's convolutions here.
/// </summary>
/// <remarks>
/// Frozen layers need no gradients and stay in evaluation mode, so nothing is lost: the output is the same map (to
/// float rounding) as TorchSharp's, and the trainable blocks after it run in TorchSharp as before. Thread-safe.
/// </remarks>
public sealed class FrozenStemRunner : IDisposable
{
    private const string InputName = "x", OutputName = "features";
    private readonly InferenceSession session;

    /// <param name="append">Appends the frozen layers to a graph from an input value; returns the output value.</param>
    /// <param name="inputSize">Side of the (preprocessed) input.</param>
    /// <param name="name">Name of the graph.</param>
    public FrozenStemRunner(Func<OnnxGraphBuilder, string, string> append, int inputSize, string name)
    {
        var graph = new OnnxGraphBuilder(name);
        var x = graph.Input(InputName, "N", 3, inputSize, inputSize);
        graph.Output(graph.Identity(append(graph, x), OutputName), "N", "C", "H", "W");
        var model = new ModelProto { IrVersion = 8, ProducerName = "pneumo", Graph = graph.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraphBuilder.OpsetVersion });
        // ONNX Runtime defaults to one thread per physical core, which is one on a 2-vCPU machine: use every core, as torch does.
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(1, TorchSharp.torch.get_num_threads()),
        };
        session = new InferenceSession(model.ToByteArray(), options);
    }

    /// <summary>The frozen layers' output for a preprocessed batch [B, 3, S, S]; no gradient.</summary>
    public Tensor Run(Tensor input) => Pneumo.Models.Onnx.OnnxBatch.Run(session, InputName, OutputName, input);

    public void Dispose() => session.Dispose();
}
