using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Inference;

public class PredictorTests
{
    [Fact]
    public void FlipAveragingIsTheMeanOfTheImageAndItsMirror()
    {
        torch.manual_seed(3);
        using var model = new SzaNet(64);
        var random = new Random(5);
        var image = new RgbImage(64, 64);
        random.NextBytes(image.Pixels);
        var mirror = Pneumo.Data.Transforms.AffineWarp.Apply(image, Pneumo.Data.Transforms.RandomHorizontalFlip.Flip);
        var preprocessing = Preprocessing.UnitScale(perImageStandardize: true);

        var plain = new Predictor(model, preprocessing).Predict([image, mirror]);
        var averaged = new Predictor(model, preprocessing, flipAveraging: true).Predict([image]);
        Assert.NotEqual(plain[0], plain[1], 6);
        Assert.Equal((plain[0] + plain[1]) / 2, averaged[0], 5);
    }
}
