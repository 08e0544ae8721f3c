using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017): where in the image the model found evidence for a class, from the gradient of
/// the class score at the model's last feature map (<see cref="ClassifierModel.ForwardFeatures"/>, which each
/// architecture places at its last convolutional block or stage: <see cref="ClassifierModel.FeatureLayer"/>).
/// </summary>
/// <remarks>
/// With A the feature map [C, h, w] and s the class score (the logit for PNEUMONIA, minus the logit for NORMAL; for a
/// model of several classes the log-odds of pneumonia, <see cref="ClassifierModel.PneumoniaLogit"/>),
/// w_c = mean over (h, w) of ds/dA_c and the map is ReLU(sum_c w_c A_c), upsampled bilinearly to the input size (to
/// the window of the preprocessing's centre crop, zero outside it, when the model has one) and divided by its maximum. The model runs in evaluation mode; no parameter gradient is accumulated. Not thread-safe
/// (it runs the model): callers serialise calls on one model.
/// <para>
/// An ensemble (<see cref="EnsembleModel"/>) is explained member by member, each on its own feature map with the
/// gradient of its own score: the map is the mean of the members' maps, each divided by its maximum first (as
/// <c>predict --model A --model B</c> combines models), so no member's scale dominates.
/// </para>
/// </remarks>
public sealed class GradCam(ClassifierModel model, Preprocessing preprocessing)
{
    public ClassifierModel Model { get; } = model;
    public Preprocessing Preprocessing { get; } = preprocessing;

    /// <summary>The relevance map for <paramref name="target"/> over <paramref name="image"/> (the model's input size).</summary>
    public Heatmap Explain(RgbImage image, ClassLabel target) => Explain([image], [target])[0];

    /// <summary>
    /// The relevance maps of images of one size, each for its own target, in one forward and one backward pass (a
    /// micro-batch of requests): each map is the one <see cref="Explain(RgbImage, ClassLabel)"/> gives for that image
    /// alone (see <see cref="RawMaps(IReadOnlyList{RgbImage}, IReadOnlyList{ClassLabel})"/>).
    /// </summary>
    public Heatmap[] Explain(IReadOnlyList<RgbImage> images, IReadOnlyList<ClassLabel> targets) =>
        RawMaps(images, targets).Select((map, i) => Heatmap.Normalized(images[i].Width, images[i].Height, map)).ToArray();

    /// <summary>
    /// The unnormalised maps for <paramref name="target"/> of images of one size, in one forward and one backward pass:
    /// per image, ReLU(sum_c w_c A_c) upsampled to the image, row by row (the map <see cref="Explain(RgbImage, ClassLabel)"/> divides by its maximum).
    /// </summary>
    /// <remarks>
    /// The model runs in evaluation mode, where images do not interact (batch norm uses its running statistics), so the
    /// gradient of the summed scores at each image's feature map is that image's own gradient: the maps equal
    /// <see cref="Explain(RgbImage, ClassLabel)"/>'s, up to the division by the maximum. For an ensemble, each image's
    /// map is the mean of its members' maps, each divided by its maximum.
    /// </remarks>
    public float[][] RawMaps(IReadOnlyList<RgbImage> images, ClassLabel target) => RawMaps(images, images.Select(_ => target).ToList());

    /// <summary>
    /// <see cref="RawMaps(IReadOnlyList{RgbImage}, ClassLabel)"/> with a target per image: the backward pass starts
    /// from the sum of each image's score for its own target (+logit for PNEUMONIA, -logit for NORMAL), so each image's
    /// gradient is still its own.
    /// </summary>
    public float[][] RawMaps(IReadOnlyList<RgbImage> images, IReadOnlyList<ClassLabel> targets)
    {
        if (images.Count == 0) return [];
        int width = images[0].Width, height = images[0].Height;
        using var scope = NewDisposeScope();
        using var gradMode = enable_grad();
        Model.eval();
        var input = Preprocessing.Apply(tensor(Batch.FromImages(images).Pixels, [images.Count, 3, height, width], ScalarType.Byte));
        if (Model is not EnsembleModel ensemble) return Maps(Model, Model.ForwardFeatures(input), height, width, targets);
        var perMember = ensemble.Members.Select(m => Maps(m, m.ForwardFeatures(input), height, width, targets)).ToList();
        return MeanOfMembers(perMember, images.Count);
    }

    /// <summary>
    /// The relevance map for <paramref name="target"/> from a feature map computed elsewhere (the same
    /// <see cref="ClassifierModel.ForwardFeatures"/> of the image, e.g. by ONNX Runtime): only the head runs here, with
    /// its gradient. <paramref name="features"/> is [C, h, w] (row-major), the image <paramref name="width"/> x
    /// <paramref name="height"/> (the model's input size). For an ensemble, the members' maps concatenated along the
    /// channels (<see cref="EnsembleModel.ForwardFeatures"/>), each member explained on its part.
    /// </summary>
    public Heatmap Explain(float[] features, long[] shape, int width, int height, ClassLabel target) =>
        Explain([features], shape, width, height, [target])[0];

    /// <summary>
    /// <see cref="Explain(float[], long[], int, int, ClassLabel)"/> for the feature maps of several images of one size
    /// (each [C, h, w] of <paramref name="shape"/>), each for its own target, with one backward pass through the head:
    /// each image's score depends only on its own map, so each gradient, and map, is the one it gets alone.
    /// </summary>
    public Heatmap[] Explain(IReadOnlyList<float[]> features, long[] shape, int width, int height, IReadOnlyList<ClassLabel> targets)
    {
        if (features.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var gradMode = enable_grad();
        Model.eval();
        long[] dims = [features.Count, .. shape];
        var map = tensor(features.SelectMany(f => f).ToArray(), dims);
        var values = Model is EnsembleModel ensemble
            ? MeanOfMembers(ensemble.SplitFeatures(map).Select((part, i) => Maps(ensemble.Members[i], part, height, width, targets)).ToList(), features.Count)
            : Maps(Model, map, height, width, targets);
        return values.Select(v => Heatmap.Normalized(width, height, v)).ToArray();
    }

    /// <summary>Each image's mean of its members' maps (<paramref name="perMember"/>[member][image]), each divided by its maximum first.</summary>
    private static float[][] MeanOfMembers(IReadOnlyList<float[][]> perMember, int count) =>
        Enumerable.Range(0, count).Select(i => MeanOfNormalized(perMember.Select(maps => maps[i]).ToList())).ToArray();

    /// <summary>The mean of maps of one image, each divided by its maximum first (an all-zero map stays zero).</summary>
    private static float[] MeanOfNormalized(IReadOnlyList<float[]> maps)
    {
        var mean = new float[maps[0].Length];
        foreach (var map in maps)
        {
            float max = map.Max();
            if (!(max > 0)) continue;
            for (int k = 0; k < mean.Length; k++) mean[k] += Math.Max(map[k], 0) / max / maps.Count;
        }
        return mean;
    }

    /// <summary>The unnormalised maps of a batch of feature maps [N, C, h, w], image i explained for <paramref name="targets"/>[i].</summary>
    private float[][] Maps(ClassifierModel model, Tensor features, int height, int width, IReadOnlyList<ClassLabel> targets)
    {
        int count = targets.Count;
        if (!features.requires_grad) features = features.detach().requires_grad_();
        var logits = model.PneumoniaLogit(model.ForwardHead(features)).reshape(count);
        // +1 for PNEUMONIA, -1 for NORMAL: the sum's gradient at each image's map is that image's own score's.
        var signs = tensor(targets.Select(t => t == ClassLabel.Pneumonia ? 1f : -1f).ToArray()).to_type(logits.dtype);
        var score = logits.mul(signs).sum();
        var gradient = autograd.grad([score], [features])[0];

        using var noGrad = no_grad();
        var weights = gradient.mean([2, 3], keepdim: true);
        var cam = features.detach().mul(weights).sum(1, keepdim: true).relu();
        cam = OnImage(cam, height, width);
        var values = cam.flatten().to_type(ScalarType.Float32).data<float>().ToArray();
        int plane = width * height;
        return Enumerable.Range(0, count).Select(i => values.AsSpan(i * plane, plane).ToArray()).ToArray();
    }

    /// <summary>
    /// Maps [B, 1, h, w] onto the image they explain, [B, 1, height, width]: upsampled bilinearly over the part of the
    /// image the model sees (all of it, or the central window of <see cref="Preprocessing.CenterCrop"/>), zero
    /// outside it (the model has no evidence where it does not look).
    /// </summary>
    private Tensor OnImage(Tensor cam, int height, int width)
    {
        var (offset, length) = Preprocessing.CropWindow(height);
        if (length >= height && length >= width)
            return nn.functional.interpolate(cam, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        var inner = nn.functional.interpolate(cam, [length, length], mode: InterpolationMode.Bilinear, align_corners: false);
        var full = zeros([cam.shape[0], 1, height, width], cam.dtype);
        full.narrow(2, offset, length).narrow(3, offset, length).copy_(inner);
        return full;
    }
}
