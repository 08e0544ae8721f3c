using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>
/// The paper's head on a pretrained base: global average pooling, Dense 128 ReLU, Dropout 0.5, Dense 1 (the sigmoid is
/// applied outside, see <see cref="ClassifierModel"/>). The layers belong to the model that uses them (state-dict names
/// <c>fc1</c>, <c>fc2</c>); this class holds the one definition of the computation.
/// </summary>
public static class TransferHead
{
    public const int HiddenUnits = 128;
    public const double DropoutRate = 0.5;

    /// <summary>The head's layers, the last with <paramref name="outputs"/> units (1 for the paper's sigmoid).</summary>
    public static (Linear Fc1, Dropout Dropout, Linear Fc2) Create(long features, int outputs = 1) =>
        (nn.Linear(features, HiddenUnits), nn.Dropout(DropoutRate), nn.Linear(HiddenUnits, outputs));

    /// <summary>The last layer's output [B, K] from a feature map [B, C, h, w] (h = w = 1 for pooled features).</summary>
    public static Tensor Forward(Tensor features, Linear fc1, Dropout dropout, Linear fc2)
    {
        using var scope = NewDisposeScope();
        var x = features.mean([2, 3]);
        x = dropout.call(nn.functional.relu(fc1.call(x)));
        return fc2.call(x).MoveToOuterDisposeScope();
    }
}
