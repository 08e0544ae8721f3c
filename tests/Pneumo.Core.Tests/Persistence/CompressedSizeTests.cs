using System.IO.Compression;
using Pneumo.Models;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

public class CompressedSizeTests
{
    [Fact]
    public void IsTheSizeOfTheZipArchiveOnDisk()
    {
        using var dir = new TempDir();
        var file = dir.Combine("weights.pt");
        var bytes = new byte[200_000];
        new Random(1).NextBytes(bytes.AsSpan(0, 100_000));  // half noise, half zeros
        File.WriteAllBytes(file, bytes);

        var zipPath = dir.Combine("weights.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            zip.CreateEntryFromFile(file, "weights.pt", CompressionLevel.SmallestSize);
        long size = CompressedSize.OfFile(file);
        Assert.Equal(new FileInfo(zipPath).Length, size);
        Assert.InRange(size, 100_000, 101_000);  // the zeros cost almost nothing, the noise does not compress
    }

    [Fact]
    public void AModuleWithZeroedWeightsZipsSmaller()
    {
        TorchSharp.torch.manual_seed(1);
        using var model = new SzaNet(64);
        long dense = CompressedSize.OfModule(model);
        using var mask = Pneumo.Pruning.Pruner.Create(model, PruningMethod.Magnitude, PruningScope.Layer, 0.5);
        mask.Apply(model);
        long pruned = CompressedSize.OfModule(model);
        Assert.InRange((double)pruned / dense, 0.45, 0.7);
    }
}
