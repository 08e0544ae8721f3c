using Pneumo.Data;
using Pneumo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017): where in the image the model found evidence for a class, from the gradient of
/// the class score at the model's last feature map (<see cref="ClassifierModel.ForwardFeatures"/>, which each
/// architecture places at its last convolutional block or stage: <see cref="ClassifierModel.FeatureLayer"/>).
/// </summary>
/// <remarks>
/// With A the feature map [C, h, w] and s the class score (the logit for PNEUMONIA, minus the logit for NORMAL),
/// w_c = mean over (h, w) of ds/dA_c and the map is ReLU(sum_c w_c A_c), upsampled bilinearly to the input size (to
/// the window of the preprocessing's centre crop, zero outside it, when the model has one) and divided by its maximum. The model runs in evaluation mode; no parameter gradient is accumulated. Not thread-safe
/// (it runs the model): callers serialise calls on one model.
/// </remarks>
public sealed class GradCam(ClassifierModel model, Preprocessing preprocessing)
{
    public ClassifierModel Model { get; } = model;
    public Preprocessing Preprocessing { get; } = preprocessing;

    /// <summary>The relevance map for <paramref name="target"/> over <paramref name="image"/> (the model's input size).</summary>
    public Heatmap Explain(RgbImage image, ClassLabel target)
    {
        using var scope = NewDisposeScope();
        using var gradMode = enable_grad();
        Model.eval();
        var pixels = tensor(image.Pixels, [1, 3, image.Height, image.Width], ScalarType.Byte);
        var features = Model.ForwardFeatures(Preprocessing.Apply(pixels));
        // A frozen base computes its map without gradients: the gradient is taken at the map, so start the graph there.
        if (!features.requires_grad) features = features.detach().requires_grad_();
        var logit = Model.ForwardHead(features).sum();
        var score = target == ClassLabel.Pneumonia ? logit : logit.neg();
        var gradient = autograd.grad([score], [features])[0];

        using var noGrad = no_grad();
        var weights = gradient.mean([2, 3], keepdim: true);
        var cam = features.detach().mul(weights).sum(1, keepdim: true).relu();
        // The model saw the preprocessing's centre crop: the map covers that window of the image, and nothing outside it.
        var (top, height) = Preprocessing.CropWindow(image.Height);
        var (left, width) = Preprocessing.CropWindow(image.Width);
        cam = nn.functional.interpolate(cam, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        if (height != image.Height || width != image.Width)
            cam = nn.functional.pad(cam, [left, image.Width - left - width, top, image.Height - top - height]);
        var values = cam.flatten().to_type(ScalarType.Float32).data<float>().ToArray();
        return Heatmap.Normalized(image.Width, image.Height, values);
    }
}
