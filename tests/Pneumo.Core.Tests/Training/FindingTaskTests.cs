using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>The finding task's targets, class weights, loss and predictions on tiny inputs.</summary>
public class FindingTaskTests
{
    private static ImageRecord Record(string folder, string name) =>
        new($"train/{folder}/{name}", $"/data/train/{folder}/{name}", folder == "NORMAL" ? ClassLabel.Normal : ClassLabel.Pneumonia,
            FileNameInfo.PatientId(name), FileNameInfo.Finding(name, folder == "NORMAL" ? ClassLabel.Normal : ClassLabel.Pneumonia));

    [Fact]
    public void TargetsComeFromTheFolderAndTheFileName()
    {
        var normal = Record("NORMAL", "IM-0001-0001.jpeg");
        var bacterial = Record("PNEUMONIA", "person1_bacteria_1.jpeg");
        var viral = Record("PNEUMONIA", "person2_virus_3.jpeg");
        Assert.Equal([0, 1, 2], new[] { normal, bacterial, viral }.Select(r => r.Target(ModelTask.Finding)));
        Assert.Equal([0, 1, 1], new[] { normal, bacterial, viral }.Select(r => r.Target(ModelTask.Pneumonia)));
        var unknown = Record("PNEUMONIA", "scan7.jpeg");
        Assert.Equal(1, unknown.Target(ModelTask.Pneumonia));
        var e = Assert.Throws<DataException>(() => unknown.Target(ModelTask.Finding));
        Assert.Contains("scan7.jpeg", e.Message);
    }

    [Fact]
    public void ClassWeightsAreBalancedOverThreeClasses()
    {
        var records = new List<ImageRecord> { Record("NORMAL", "IM-0001-0001.jpeg"), Record("NORMAL", "IM-0002-0001.jpeg") };
        records.AddRange(Enumerable.Range(1, 3).Select(i => Record("PNEUMONIA", $"person{i}_bacteria_1.jpeg")));
        records.Add(Record("PNEUMONIA", "person9_virus_1.jpeg"));
        // n / (3 n_c): 6 / 6, 6 / 9, 6 / 3.
        Assert.Equal([1.0, 6.0 / 9, 2.0], ClassWeights.Balanced(records, ModelTask.Finding));
        Assert.Equal([6.0 / 4, 6.0 / 8], ClassWeights.Balanced(records));
    }

    /// <summary>32x32 images: NORMAL dark, BACTERIAL bright on the left, VIRAL bright on the right.</summary>
    private static Batch ThreeClassBatch(int count, int seed)
    {
        var random = new Random(seed);
        const int size = 32, plane = size * size;
        var pixels = new byte[count * 3 * plane];
        var labels = new float[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool bright = labels[i] == 1 ? x < 16 : labels[i] == 2 && x >= 16;
                pixels[i * 3 * plane + c * plane + y * size + x] = (byte)((bright ? 190 : 50) + random.Next(40));
            }
        }
        return new Batch(pixels, count, size, labels, []);
    }

    [Fact]
    public void AThreeClassModelLearnsWithCrossEntropyAndGivesProbabilitiesThatSumToOne()
    {
        torch.manual_seed(3);
        using var model = new SzaNet(32, outputs: 3);
        Assert.Equal(3, model.Outputs);
        var preprocessing = Preprocessing.UnitScale() with { InputSize = 32 };
        using var trainer = new Trainer(model, preprocessing, learningRate: 1e-3, classWeights: [1, 1, 1]);
        var batch = ThreeClassBatch(12, 1);
        var losses = Enumerable.Range(0, 25).Select(_ => trainer.Step(batch).Loss).ToList();
        Assert.True(losses[0] > 0.9, $"the first loss {losses[0]:F3} is not near ln 3");  // three classes, chance = ln 3 = 1.10
        Assert.True(losses.Skip(20).Average() < 0.5 * losses.Take(3).Average(), $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");

        var (pneumonia, classes) = new Predictor(model, preprocessing, flipAveraging: true).PredictClasses(batch);
        Assert.NotNull(classes);
        for (int i = 0; i < batch.Count; i++)
        {
            Assert.Equal(1.0, classes[i].Sum(), 5);
            Assert.Equal(classes[i][1] + classes[i][2], pneumonia[i], 6);
        }
    }

    [Fact]
    public void AOneOutputModelKeepsItsSigmoidAndGivesNoClasses()
    {
        torch.manual_seed(4);
        using var model = new SzaNet(32);
        var (pneumonia, classes) = new Predictor(model, Preprocessing.UnitScale() with { InputSize = 32 }).PredictClasses(ThreeClassBatch(3, 2));
        Assert.Null(classes);
        Assert.All(pneumonia, p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void PredictionsWithClassesSurviveTheirCsv()
    {
        using var dir = new TempDir();
        var path = dir.Combine("p.csv");
        var written = new Predictions(["a.jpeg", "b.jpeg"], [0, 1], [0.25, 0.75])
        {
            Classes = [0, 2],
            ClassProbabilities = [[0.75, 0.125, 0.125], [0.25, 0.25, 0.5]],
        };
        written.WriteCsv(path);
        var read = ResultFiles.ReadPredictions(path);
        Assert.Equal(written.Classes, read.Classes);
        Assert.Equal(written.ClassProbabilities.SelectMany(p => p), read.ClassProbabilities!.SelectMany(p => p));
        Assert.Equal(-(Math.Log(0.75) + Math.Log(0.5)) / 2, read.LogLoss(), 12);
        Assert.Null(new Predictions(["a"], [1], [0.5]).Classes);
    }
}
