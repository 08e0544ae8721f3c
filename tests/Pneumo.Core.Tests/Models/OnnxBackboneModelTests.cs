using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Models.Onnx;
using Pneumo.Persistence;
using Pneumo.Training;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>
/// The paper's head on a user's own ONNX featurizer, tried with the package's ResNet18 file as if it were the user's:
/// batch dimension fixed at 1, pooled [1, 512, 1, 1] output, BGR 0..255 minus per-channel means.
/// </summary>
public class OnnxBackboneModelTests
{
    private static readonly Preprocessing Input = new() { ChannelOrder = ChannelOrder.Bgr, Scale = 1, Mean = [104, 117, 123] };

    private static BackboneSpec Spec(string input = "Input247", string output = "Pooling395_Output_0") =>
        new BackboneSpec(PretrainedFiles.ResNet18, input, output).WithHash();

    [Fact]
    public void TheHeadTrainsOnTheBackbonesFeaturesAndSavesWithoutThem()
    {
        manual_seed(2);
        using var model = ModelRegistry.Get(OnnxBackboneModel.Name).Build(Input.InputSize, Spec());
        Assert.Equal(512, ((OnnxBackboneModel)model).FeatureCount);
        var random = new Random(5);
        var pixels = new byte[4 * 3 * 224 * 224];
        random.NextBytes(pixels);
        var batch = new Batch(pixels, 4, 224, [0, 1, 0, 1], []);
        using var trainer = new Trainer(model, Input, 1e-2, [1, 1]);
        var losses = Enumerable.Range(0, 6).Select(_ => trainer.Step(batch).Loss).ToList();
        Assert.True(losses[^1] < losses[0], $"loss did not fall: {string.Join(", ", losses)}");

        using var dir = new TempDir();
        var metadata = new ModelMetadata { Architecture = OnnxBackboneModel.Name, Preprocessing = Input, Backbone = Spec() };
        ModelDirectory.Save(dir.Path, model, metadata);
        Assert.InRange(new FileInfo(dir.Combine("weights.pt")).Length, 1, 1_000_000);  // the head only
        using var loaded = ModelDirectory.Load(dir.Path);
        model.eval();
        using var noGrad = no_grad();
        var x = Input.Apply(tensor(pixels, [4, 3, 224, 224], ScalarType.Byte));
        Assert.Equal(model.call(x).data<float>().ToArray(), loaded.Model.call(x).data<float>().ToArray());
    }

    [Fact]
    public void AWrongInputOrOutputNameIsRefusedListingTheRealOnes()
    {
        var e = Assert.Throws<UserError>(() => new OnnxBackboneModel(Spec(input: "image"), Input.InputSize));
        Assert.Contains("Input247", e.Message);
        e = Assert.Throws<UserError>(() => new OnnxBackboneModel(Spec(output: "features"), Input.InputSize));
        Assert.Contains("Pooling395_Output_0", e.Message);
    }

    [Fact]
    public void AModelRefusesABackboneFileThatIsNotTheOneItWasTrainedOn()
    {
        using var dir = new TempDir();
        var copy = dir.Combine("backbone.onnx");
        File.Copy(PretrainedFiles.ResNet18, copy);
        var spec = new BackboneSpec(copy, "Input247", "Pooling395_Output_0").WithHash();
        using (var stream = File.Open(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(-1, SeekOrigin.End);
            int last = stream.ReadByte();
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte((byte)(last ^ 0xFF));
        }
        var e = Assert.Throws<InvalidDataException>(() => new OnnxBackboneModel(spec, Input.InputSize));
        Assert.Contains("SHA-256", e.Message);
    }
}
