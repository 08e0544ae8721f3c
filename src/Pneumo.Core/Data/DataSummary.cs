namespace Pneumo.Data;

/// <summary>One split of the dataset: images and patients per class, and images per finding.</summary>
public sealed record SplitSummary(string Split, int Normal, int Pneumonia, int Patients, Dictionary<string, int> Findings);

/// <summary>The dataset as the report describes it (read from the data root's file names, no decoding).</summary>
public sealed record DataSummary(string Root, List<SplitSummary> Splits)
{
    public static DataSummary Read(string root) =>
        new(root, new[] { "train", "val", "test" }.Where(s => ChestXrayDataset.HasSplit(root, s)).Select(s =>
        {
            var records = ChestXrayDataset.Load(root, s);
            var counts = ChestXrayDataset.ClassCounts(records);
            return new SplitSummary(s, counts[0], counts[1], records.Select(r => r.PatientId).Distinct().Count(),
                                    records.GroupBy(r => r.Finding).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
        }).ToList());
}
