using System.Collections.Concurrent;
using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Data;

/// <summary>The per-pixel mean images pretrained backbones subtract from their input, by the name <c>model.json</c> records.</summary>
public static class MeanImages
{
    /// <summary>The ImageNet mean image of the packaged ResNet18, [3, 224, 224] in BGR order, 0..255.</summary>
    public const string ResNet18 = PretrainedFiles.ResNet18MeanImage;

    /// <summary>The side of every mean image, in pixels: a model that subtracts one takes inputs of this size only.</summary>
    public const int Size = PretrainedFiles.ResNet18InputSize;

    private static readonly ConcurrentDictionary<string, Tensor> Loaded = new();

    public static IReadOnlyCollection<string> Names => [ResNet18];

    /// <summary>The mean image [3, size, size] (shared; do not dispose or modify).</summary>
    /// <exception cref="ArgumentException">Unknown name, or a size the mean image does not have.</exception>
    public static Tensor Get(string name, int size)
    {
        var image = Loaded.GetOrAdd(name, Load);
        if (image.shape[1] != size || image.shape[2] != size)
            throw new ArgumentException($"mean image {name} is {image.shape[1]}x{image.shape[2]}, the input is {size}x{size}");
        return image;
    }

    private static Tensor Load(string name)
    {
        if (name != ResNet18) throw new ArgumentException($"unknown mean image '{name}' (known: {string.Join(", ", Names)})");
        var values = OnnxInitializers.Read(PretrainedFiles.ResNetPreprocess).Get("MeanImage");
        using var scope = NewDisposeScope();
        return tensor(values, [3, Size, Size]).DetachFromDisposeScope();
    }
}
