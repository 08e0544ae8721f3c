using Pneumo.Models;
using Pneumo.Models.Onnx;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Models;

/// <summary>What the registry knows of an architecture without building a model agrees with the model it builds.</summary>
public class ModelRegistryTests
{
    /// <summary>
    /// <see cref="ArchitectureInfo.FeatureLayerOf"/> (what a deferred <c>ModelDirectory</c> reports before its network
    /// loads) is the built model's <see cref="ClassifierModel.FeatureLayer"/>, for every registered architecture.
    /// </summary>
    [Fact]
    public void EveryArchitecturesFeatureLayerIsKnownWithoutBuildingIt()
    {
        var backbone = new BackboneSpec(PretrainedFiles.ResNet18, "Input247", "Pooling395_Output_0").WithHash();
        foreach (var name in ModelRegistry.Names)
        {
            var info = ModelRegistry.Get(name);
            var spec = info.NeedsBackbone ? backbone : null;
            int size = info.FixedInputSize ?? PretrainedFiles.ResNet18InputSize;
            using var model = info.BuildForLoading(size, spec);
            Assert.Equal(model.FeatureLayer, info.FeatureLayerOf(spec));
            Assert.Equal(name, model.Architecture);
        }
        Assert.Throws<ArgumentException>(() => ModelRegistry.Get(OnnxBackboneModel.Name).FeatureLayerOf(null));
    }
}
