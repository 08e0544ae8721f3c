using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>A view of an image that test-time augmentation scores: the image itself, or its mirror image.</summary>
public enum ImageView
{
    Original,

    /// <summary>Mirrored left to right (the models are trained with horizontal flips, so both views are valid).</summary>
    Mirrored,
}

/// <summary>Test-time augmentation, defined once: the views of each image a model is scored on, the original first.</summary>
/// <remarks>An image's probability is the mean of its views' probabilities (sigmoids of the logits), in both engines.</remarks>
public static class ImageViews
{
    public static IReadOnlyList<ImageView> Of(bool flipAveraging) => flipAveraging ? [ImageView.Original, ImageView.Mirrored] : [ImageView.Original];

    public static IReadOnlyList<ImageView> Of(TestTimeAugmentation augmentation) => Of(augmentation == TestTimeAugmentation.HorizontalFlip);
}
