using Pneumo.Persistence;

namespace Pneumo.Data;

/// <summary>What a model of each <see cref="ModelTask"/> learns from an image's record: its class index.</summary>
/// <remarks>
/// Pneumonia: the folder (0 NORMAL, 1 PNEUMONIA). Finding: 0 NORMAL, 1 BACTERIAL, 2 VIRAL, from the folder and the
/// file name (<c>personN_bacteria_M</c>, <c>personN_virus_M</c>); a PNEUMONIA image whose name states neither has no
/// finding, and a finding model refuses it.
/// </remarks>
public static class TaskTargets
{
    /// <summary>The class index of <paramref name="record"/> for <paramref name="task"/>.</summary>
    /// <exception cref="DataException">A finding target of a PNEUMONIA image whose file name states no finding.</exception>
    public static int Target(this ImageRecord record, ModelTask task) => task switch
    {
        ModelTask.Finding => FindingClass(record)
            ?? throw new DataException($"{record.FullPath}: a PNEUMONIA image whose name says neither bacteria nor virus, so it has no finding for --task finding"),
        _ => (int)record.Label,
    };

    /// <summary>0 NORMAL, 1 BACTERIAL, 2 VIRAL, or null for a PNEUMONIA image of unknown finding.</summary>
    public static int? FindingClass(ImageRecord record) => record.Label == ClassLabel.Normal ? 0 : record.Finding switch
    {
        "bacteria" => 1,
        "virus" => 2,
        _ => null,
    };

    /// <summary>Images per class of <paramref name="task"/>, indexed by target.</summary>
    public static int[] Counts(IEnumerable<ImageRecord> records, ModelTask task)
    {
        var counts = new int[task.ClassCount()];
        foreach (var r in records) counts[r.Target(task)]++;
        return counts;
    }
}
