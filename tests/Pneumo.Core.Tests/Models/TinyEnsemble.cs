using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>Tiny SZANets (64 px) with spread logits, saved as model directories, and ensembles of them written by hand.</summary>
internal static class TinyEnsemble
{
    public const int Size = 64;

    public static Preprocessing Preprocessing => Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = Size };

    /// <summary>
    /// A seeded SZANet whose batch norms have non-trivial running statistics and affine parameters, and whose output
    /// weights are scaled up so the logits spread over a few units.
    /// </summary>
    public static SzaNet Member(int seed, float spread = 40, int size = Size, int outputs = 1)
    {
        manual_seed(seed);
        var model = new SzaNet(size, outputs);
        using (no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean")) t.copy_(randn_like(t).mul(0.1));
                else if (name.EndsWith("running_var")) t.copy_(rand_like(t).mul(1.5).add(0.5));
                else if (name.StartsWith("bn") && name.EndsWith("weight")) t.copy_(rand_like(t).add(0.5));
                else if (name.StartsWith("bn") && name.EndsWith("bias")) t.copy_(randn_like(t).mul(0.1));
                else if (name == "fc2.weight") t.mul_(spread);
            }
        }
        model.eval();
        return model;
    }

    /// <summary>Saves <see cref="Member"/>(<paramref name="seed"/>) as a model directory.</summary>
    public static string SaveMember(string dir, int seed, Preprocessing? preprocessing = null, TestTimeAugmentation tta = TestTimeAugmentation.None,
                                    ModelTask? task = null)
    {
        using var model = Member(seed, outputs: (task ?? ModelTask.Pneumonia).Outputs());
        ModelDirectory.Save(dir, model, new ModelMetadata
        {
            Architecture = SzaNet.Name, Task = task, Preprocessing = preprocessing ?? Preprocessing, TestTimeAugmentation = tta,
            Threshold = 0.3, ThresholdMethod = ThresholdRule.Youden,
        });
        return dir;
    }

    /// <summary>
    /// Writes an ensemble's model.json in <paramref name="dir"/> over <paramref name="members"/>, as they are now, with
    /// paths as given (a member without a weights hash, an ensemble, gets a made-up one).
    /// </summary>
    public static string Write(string dir, IReadOnlyList<string> members, ScoreCalibration? calibration = null)
    {
        var loaded = members.Select(m => Json.Read<ModelMetadata>(Path.Combine(Path.IsPathRooted(m) ? m : Path.Combine(dir, m), FileNames.ModelMetadata))).ToList();
        Directory.CreateDirectory(dir);
        Json.Write(Path.Combine(dir, FileNames.ModelMetadata), new ModelMetadata
        {
            Architecture = EnsembleModel.Describe(loaded.Select(m => m.Architecture)),
            Weights = null,
            WeightsDtype = null,
            Preprocessing = loaded[0].Preprocessing,
            TestTimeAugmentation = loaded[0].TestTimeAugmentation,
            Task = loaded[0].Task,
            Members = members.Select((m, i) => new EnsembleMember(m, loaded[i].WeightsSha256 ?? new string('0', 64)) { Architecture = loaded[i].Architecture }).ToList(),
            Combination = EnsembleCombination.MeanLogit,
            Calibration = calibration,
            Threshold = 0.6, ThresholdMethod = ThresholdRule.Perturbed,
            Thresholds = new() { ["default"] = 0.5, ["perturbed"] = 0.6 },
        });
        return dir;
    }

    public static RgbImage Noise(Random random)
    {
        var image = new RgbImage(Size, Size);
        random.NextBytes(image.Pixels);
        return image;
    }

    /// <summary>The preprocessed float batch of <paramref name="images"/>.</summary>
    public static Tensor Input(IReadOnlyList<RgbImage> images)
    {
        var batch = Batch.FromImages(images);
        return Preprocessing.Apply(tensor(batch.Pixels, [batch.Count, 3, batch.Size, batch.Size], ScalarType.Byte));
    }
}
