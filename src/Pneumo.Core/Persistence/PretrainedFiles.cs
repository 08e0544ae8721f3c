namespace Pneumo.Persistence;

/// <summary>
/// Where the pretrained ImageNet ResNet18 lives: the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// copies its ONNX files beside the program (<c>DnnImageModels/</c>) at build time, so restore brings the weights.
/// </summary>
public static class PretrainedFiles
{
    public const string PackageName = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The name <c>model.json</c> records for the package's ImageNet mean image ([3, 224, 224], BGR, 0..255).</summary>
    public const string ResNet18MeanImage = "resnet18-imagenet-bgr";

    /// <summary>
    /// The input side, in pixels, of the packaged ResNet18 and of its mean image: a model that subtracts the mean image
    /// takes inputs of this size only. Here, at the bottom, because both the mean images (Data) and the architectures
    /// that use them (Models) need it, and neither may use the other.
    /// </summary>
    public const int ResNet18InputSize = 224;

    /// <summary>The ResNet18 feature extractor: input <c>Input247</c> [1,3,224,224] BGR 0..255 minus the mean image, output <c>Pooling395_Output_0</c> [1,512,1,1].</summary>
    public static string ResNet18 => Locate(Path.Combine("ResNet18Onnx", "ResNet18.onnx"));

    /// <summary>The preprocessing graph holding the mean image <c>MeanImage</c> [1,3,224,224] (BGR).</summary>
    public static string ResNetPreprocess => Locate(Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx"));

    private static string Locate(string relative)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", relative);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: pretrained weights not found; they come with the NuGet package {PackageName}, restored and copied by 'dotnet build'");
        return path;
    }
}
