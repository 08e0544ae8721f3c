using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// A tiny data root (a few real images per class, train and test) and a model trained on it for one epoch with
/// <c>pneumo train</c>, shared by the CLI tests. Empty when the dataset is absent (the tests then skip).
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        if (TestData.DatasetRoot is null) return;
        Data = TestData.SmallDataRoot(8, "train", "test");
        Work = new TempDir();
        TrainResult = CliRunner.Run(Work.Path, "train", "--data", Data.Path, "--out", Work.Combine("run"),
                                    "--epochs", "1", "--batch-size", "8", "--seed", "5");
    }

    public TempDir? Data { get; }
    public TempDir? Work { get; }
    public CliRunner.Result? TrainResult { get; }
    public string ModelDir => Work!.Combine("run");

    public void Dispose()
    {
        Data?.Dispose();
        Work?.Dispose();
    }
}

[CollectionDefinition("cli")]
public sealed class CliCollection : ICollectionFixture<TrainedModelFixture>;
