using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Pneumo.Models.Onnx;

/// <summary>Runs an ONNX Runtime session on a TorchSharp batch: the one place that copies between the two.</summary>
internal static class OnnxBatch
{
    /// <summary>
    /// The output <paramref name="output"/> for the float batch [B, ...] fed as <paramref name="input"/>, as a tensor
    /// [B, ...] (no gradient); with <paramref name="oneAtATime"/>, image by image (graphs whose batch dimension is 1).
    /// </summary>
    public static Tensor Run(InferenceSession session, string input, string output, Tensor batch, bool oneAtATime = false)
    {
        long count = batch.shape[0], size = batch.numel() / count;
        var itemShape = batch.shape.Skip(1).Select(d => (int)d).ToArray();
        float[] values;
        using (NewDisposeScope()) values = batch.detach().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var outputs = new List<float>();
        long[] outputShape = [];
        int step = oneAtATime ? 1 : (int)count;
        for (int start = 0; start < count; start += step)
        {
            var chunk = new DenseTensor(values.AsMemory((int)(start * size), (int)(step * size)), [step, .. itemShape]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, chunk)], [output]);
            var result = (DenseTensor)results[0].AsTensor<float>();
            outputShape = result.Dimensions.ToArray().Select(d => (long)d).ToArray();
            outputs.AddRange(result.Buffer.Span);
        }
        return tensor(outputs.ToArray(), [count, .. outputShape.Skip(1)]);
    }
}
