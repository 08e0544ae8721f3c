using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Tests.Pruning;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Reporting;

public class PruningReportTests
{
    // The 0.50 row chose 0.41 on its validation predictions; at the dense threshold (0.132) it would have scored less.
    private static readonly PruningRow[] Rows =
    [
        PruningChoiceTests.Magnitude[0],
        PruningChoiceTests.Magnitude[1] with
        {
            Threshold = 0.41,
            ValidationAtDenseThreshold = PruningChoiceTests.M(0.62, 0.5) with { Threshold = 0.132 },
            TestAtDenseThreshold = PruningChoiceTests.M(0.55, 0.5) with { Threshold = 0.132 },
        },
        PruningChoiceTests.Magnitude[2],
    ];

    private static PruningSummary Summary(bool complete) => new()
    {
        Model = "/models/szanet", Architecture = "szanet", DataRoot = "/data", Threshold = 0.61, ThresholdMethod = "youden",
        Settings = new PruningSettings { Methods = [PruningMethod.Magnitude], Sparsities = [0.3, 0.5, 0.7], RetrainEpochs = 0 },
        Dense = PruningChoiceTests.Dense,
        DenseWeightsBytes = 11_000_000,
        Rows = [.. Rows],
        Choices = PruningChoice.For(PruningChoiceTests.Dense, Rows, 0.015),
        SavedModel = new SavedPrunedModel("model-magnitude-0.50", "magnitude", 0.5, 0.5, 5_000_000, 10_000_000, 0.5),
        Complete = complete,
        Provenance = new Provenance("pneumo prune --out x", "abc123", "test machine", "2026-01-01T00:00:00Z", "1"),
    };

    [Fact]
    public void CsvHasTheDenseRowFirstThenEveryRow()
    {
        var lines = PruningReport.Csv(Summary(true)).TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("variant,sparsity,measured_sparsity,threshold,val_accuracy,val_auc", lines[0]);
        Assert.Contains(",dense_threshold,val_accuracy_at_dense_threshold,", lines[0]);
        Assert.StartsWith("dense,0,0,0.5,0.95,", lines[1]);
        Assert.StartsWith("magnitude,0.5,0.5,0.41,0.9,", lines[3]);
        Assert.Contains(",0.7,", lines[3]);  // the validation score (0.5 + 0.9) / 2
        Assert.EndsWith(",0.132,0.62,0.9,0.9,0.55,0.9,0.9,,1000,1", lines[3]);  // at the dense threshold; no retraining epoch
        Assert.Equal(lines[0].Split(',').Length, lines[3].Split(',').Length);
    }

    [Fact]
    public void MarkdownMarksTheChosenSparsityAndNamesCommandAndCommit()
    {
        var md = PruningReport.Markdown(Summary(true));
        Assert.Contains("| 0.50 **(chosen)** | 0.5000 | 0.4100 | 0.9000 | 0.9000 | 0.7000 | 0.9500 | 0.9000 | 0.7250 | 0.6200 | 0.5500 |", md);
        Assert.DoesNotContain("| 0.70 **(chosen)**", md);
        Assert.Contains("| magnitude | 0.50 | 0.4100 | 0.7000 | 0.9000 | 0.9500 | 0.9000 | 0.30 | none |", md);
        Assert.Contains("own decision threshold on its own **validation**", md);
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
