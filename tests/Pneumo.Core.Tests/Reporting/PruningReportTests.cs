using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Reporting;
using Pneumo.Tests.Pruning;
using Xunit;

namespace Pneumo.Tests.Reporting;

public class PruningReportTests
{
    private static PruningSummary Summary(bool complete) => new()
    {
        Model = "/models/szanet", Architecture = "szanet", DataRoot = "/data", Threshold = 0.61, ThresholdMethod = "youden",
        Settings = new PruningSettings { Methods = [PruningMethod.Magnitude], Sparsities = [0.3, 0.5, 0.7], RetrainEpochs = 0 },
        Dense = PruningChoiceTests.Dense,
        DenseWeightsBytes = 11_000_000,
        Rows = [.. PruningChoiceTests.Magnitude],
        Choices = PruningChoice.For(PruningChoiceTests.Dense, PruningChoiceTests.Magnitude, 0.015),
        SavedModel = new SavedPrunedModel("model-magnitude-0.50", "magnitude", 0.5, 0.5, 5_000_000, 10_000_000),
        Complete = complete,
        Provenance = new Provenance("pneumo prune --out x", "abc123", "test machine", "2026-01-01T00:00:00Z", "1"),
    };

    [Fact]
    public void CsvHasTheDenseRowFirstThenEveryRow()
    {
        var lines = PruningReport.Csv(Summary(true)).TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("variant,sparsity,measured_sparsity,val_accuracy,val_auc", lines[0]);
        Assert.StartsWith("dense,0,0,0.95,", lines[1]);
        Assert.StartsWith("magnitude,0.5,0.5,0.9,", lines[3]);
        Assert.Contains(",0.7,", lines[3]);  // the validation score (0.5 + 0.9) / 2
    }

    [Fact]
    public void MarkdownMarksTheChosenSparsityAndNamesCommandAndCommit()
    {
        var md = PruningReport.Markdown(Summary(true));
        Assert.Contains("| 0.50 **(chosen)** | 0.5000 | 0.9000 |", md);
        Assert.DoesNotContain("| 0.70 **(chosen)**", md);
        Assert.Contains("| magnitude | 0.50 | 0.7000 | 0.9000 | 0.9500 | 0.9000 | 0.30 | none |", md);
        Assert.Contains("`model-magnitude-0.50/`", md);
        Assert.Contains("pneumo prune --out x", md);
        Assert.Contains("abc123", md);
        Assert.DoesNotContain("partial", md);
        Assert.Contains("partial", PruningReport.Markdown(Summary(false)));
    }

    [Fact]
    public void PlotIsAPng()
    {
        using var dir = new TempDir();
        var path = dir.Combine("pruning.png");
        PruningPlot.Save(Summary(true), path, 800, 400);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(800, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.True(bytes.Length > 10_000, "an empty-looking plot");
    }
}
