using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>The one training loop: its epochs, its hooks, why it stops, and its per-epoch seeding.</summary>
public sealed class FitLoopTests : IDisposable
{
    private const int Size = 64;
    private readonly TempDir dir = new();
    private readonly BatchLoader train, validation;

    public FitLoopTests()
    {
        var records = new List<ImageRecord>();
        for (int i = 0; i < 8; i++)
        {
            var path = dir.Combine($"img{i}.png");
            using (var bmp = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Gray8)))
            {
                bmp.Erase(new SKColor((byte)(30 * i), (byte)(30 * i), (byte)(30 * i)));
                using var data = SKImage.FromBitmap(bmp).Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(path, data.ToArray());
            }
            records.Add(new ImageRecord($"img{i}.png", path, i % 2 == 0 ? ClassLabel.Normal : ClassLabel.Pneumonia, $"p{i}", "x"));
        }
        var cache = new ImageCache(new ImageDecoder(Size), storeDirectory: null);
        train = new BatchLoader(records, cache, batchSize: 3, shuffle: true, seed: 1, prefetch: 0);
        validation = new BatchLoader(records[..4], cache, batchSize: 4, prefetch: 0);
    }

    public void Dispose() => dir.Dispose();

    /// <summary>Metrics are Evaluation's (a layer the loop does not use); the loop only passes them on.</summary>
    private static readonly Func<int, Predictions, BinaryMetrics> NoMetrics = (_, p) =>
        new BinaryMetrics(p.Labels.Count, 0.5, 0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0);

    /// <summary>Writes down every hook, and asks for a stop after epoch <c>stopAfter</c>.</summary>
    private sealed class Recorder(int stopAfter = int.MaxValue) : Callback
    {
        public List<string> Calls { get; } = [];
        public override string Name => "recorder";
        public override void OnTrainBegin(TrainingContext context) => Calls.Add("begin");
        public override void OnStepEnd(TrainingContext context) => Calls.Add($"step {context.Epoch}");
        public override void OnValidationEnd(TrainingContext context, Predictions validation) => Calls.Add($"validated {validation.Labels.Count}");
        public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
        {
            Calls.Add($"epoch {logs.Epoch}");
            if (logs.Epoch == stopAfter) context.RequestStop(new TrainingStop(StopReason.EarlyStopping, "enough"));
        }
        public override void OnTrainEnd(TrainingContext context) => Calls.Add("end");
    }

    private static (SzaNet Model, Trainer Trainer) Trained(int seed)
    {
        torch.manual_seed(seed);
        var model = new SzaNet(Size);
        return (model, new Trainer(model, Preprocessing.UnitScale() with { InputSize = Size }, 1e-3, [1, 1]));
    }

    [Fact]
    public void RunsEveryEpochWithItsHooksAndSaysItRanOutOfThem()
    {
        var (model, trainer) = Trained(1);
        using var m = model;
        using var t = trainer;
        var recorder = new Recorder();
        var stop = new FitLoop(trainer, [recorder], seed: 7, NoMetrics).Run(train, validation, epochsDone: 0, maxEpochs: 2);
        Assert.Equal(TrainingStop.MaxEpochs(2), stop);
        string[] epoch(int e) => [$"step {e}", $"step {e}", $"step {e}", "validated 4", $"epoch {e}"];  // 8 images in batches of 3
        Assert.Equal(["begin", .. epoch(1), .. epoch(2), "end"], recorder.Calls);
    }

    [Fact]
    public void ACallbacksStopEndsTheLoopAfterThatEpochAndARestoredStopRunsNone()
    {
        var (model, trainer) = Trained(1);
        using var m = model;
        using var t = trainer;
        var recorder = new Recorder(stopAfter: 1);
        var stop = new FitLoop(trainer, [recorder], seed: 7, NoMetrics).Run(train, validation, epochsDone: 0, maxEpochs: 5);
        Assert.Equal(new TrainingStop(StopReason.EarlyStopping, "enough"), stop);
        Assert.Equal("end", recorder.Calls[^1]);
        Assert.DoesNotContain("epoch 2", recorder.Calls);

        var again = new Recorder();
        var resumed = new FitLoop(trainer, [again], seed: 7, NoMetrics);
        resumed.Context.RequestStop(stop);  // as a run restores a saved stop
        Assert.Equal(stop, resumed.Run(train, validation, epochsDone: 1, maxEpochs: 5));
        Assert.Equal(["begin", "end"], again.Calls);
    }

    /// <summary>
    /// Epoch e runs under seed x 1000 + e: two epochs in one go give the same weights as one epoch, random numbers drawn
    /// by something else (another process, a resume), then the second.
    /// </summary>
    [Fact]
    public void AnEpochIsSeededByItsNumberSoASplitRunEqualsAStraightOne()
    {
        float[] Weights(bool split)
        {
            var (model, trainer) = Trained(3);
            using var m = model;
            using var t = trainer;
            if (!split) new FitLoop(trainer, [], seed: 7, NoMetrics).Run(train, validation, 0, 2);
            else
            {
                new FitLoop(trainer, [], seed: 7, NoMetrics).Run(train, validation, 0, 1);
                torch.rand(1000).Dispose();
                new FitLoop(trainer, [], seed: 7, NoMetrics).Run(train, validation, 1, 2);
            }
            return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        var straight = Weights(split: false);
        Assert.Equal(straight, Weights(split: true));
        Assert.NotEqual(straight, Weights(split: false).Select(w => w + 1));  // the comparison can fail
    }

    [Fact]
    public void ItsOwnAfterStepHookIsRemovedWhenItEnds()
    {
        var (model, trainer) = Trained(1);
        using var m = model;
        using var t = trainer;
        int mine = 0;
        trainer.AfterStep = () => mine++;
        var recorder = new Recorder();
        new FitLoop(trainer, [recorder], seed: 7, NoMetrics).Run(train, validation, 0, 1);
        Assert.Equal(3, mine);  // the trainer's own hook still runs, once per step
        trainer.Step(train.Epoch(1).First());
        Assert.Equal(4, mine);
        Assert.Equal(3, recorder.Calls.Count(c => c.StartsWith("step")));
    }
}
