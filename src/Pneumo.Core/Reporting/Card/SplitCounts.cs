using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>What a model's recorded split (<c>split.csv</c>) holds: images per class and patients in each part.</summary>
/// <param name="SharedPatients">Patients with images in both parts (0 for a patient-grouped split).</param>
public sealed record SplitCounts(int TrainNormal, int TrainPneumonia, int TrainPatients,
                                 int ValidationNormal, int ValidationPneumonia, int ValidationPatients, int SharedPatients)
{
    /// <summary>The counts of a <c>split.csv</c>.</summary>
    /// <exception cref="InvalidDataException">A malformed file; the message names it.</exception>
    public static SplitCounts Read(string path)
    {
        var rows = ResultFiles.ReadSplit(path).Select(x => x.Row).ToList();
        var train = rows.Where(r => !r.Validation).ToList();
        var validation = rows.Where(r => r.Validation).ToList();
        var trainPatients = train.Select(r => r.Patient).ToHashSet();
        var validationPatients = validation.Select(r => r.Patient).ToHashSet();
        return new SplitCounts(train.Count(r => r.Label == 0), train.Count(r => r.Label == 1), trainPatients.Count,
                               validation.Count(r => r.Label == 0), validation.Count(r => r.Label == 1), validationPatients.Count,
                               trainPatients.Intersect(validationPatients).Count());
    }
}
