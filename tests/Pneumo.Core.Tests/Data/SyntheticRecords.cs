using Pneumo.Data;

namespace Pneumo.Tests.Data;

/// <summary>Image records without files, for split and fold tests.</summary>
public static class SyntheticRecords
{
    /// <summary>Patients with 1-4 images each, 3 NORMAL patients for every 7 PNEUMONIA ones.</summary>
    public static List<ImageRecord> Patients(int patients = 300, int seed = 1)
    {
        var random = new Random(seed);
        var records = new List<ImageRecord>();
        for (int p = 0; p < patients; p++)
        {
            var label = p % 10 < 3 ? ClassLabel.Normal : ClassLabel.Pneumonia;
            int images = 1 + random.Next(4);
            for (int i = 0; i < images; i++)
            {
                var path = $"train/{label.FolderName()}/p{p:D4}_{i}.jpeg";
                records.Add(new ImageRecord(path, "/x/" + path, label, $"patient{p}", "x"));
            }
        }
        return records;
    }
}
