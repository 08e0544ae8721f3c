using Pneumo.Data;
using Pneumo.Reporting.Figures;

namespace Pneumo.Reporting.Report;

/// <summary>The data figures of a study (the paper's Fig. 1a and 1b), from a data root's file names and images.</summary>
public static class DataFigures
{
    /// <summary>Images per class in each split (Fig. 1a).</summary>
    public static void SaveClassDistribution(DataSummary data, string path) =>
        ClassDistributionFigure.Save(data.Splits.Select(s => new SplitCounts(s.Split, s.Normal, s.Pneumonia)).ToList(), path);

    /// <summary>One row per finding (normal, bacterial, viral), four training images each, the first by file name (Fig. 1b).</summary>
    /// <remarks>Without a training split the test split's images are shown.</remarks>
    public static void SaveExamples(DataSummary data, string path) => ExampleGridFigure.Save(Examples(data.Root), path);

    private static List<ExampleRow> Examples(string root)
    {
        var split = ChestXrayDataset.HasSplit(root, "train") ? "train" : "test";
        var records = ChestXrayDataset.Load(root, split);
        return new[] { ("normal", "NORMAL"), ("bacteria", "BACTERIAL"), ("virus", "VIRAL") }
            .Select(f => new ExampleRow(f.Item2, records.Where(r => r.Finding == f.Item1).Take(4)
                .Select(r => (r.FullPath, Path.GetFileName(r.RelativePath))).ToList()))
            .Where(r => r.Images.Count > 0).ToList();
    }
}
