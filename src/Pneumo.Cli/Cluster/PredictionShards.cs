using Pneumo.Cli.Commands;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Imaging.Dicom;
using Pneumo.Diagnosis;
using Pneumo.Persistence;

namespace Pneumo.Cli.Cluster;

/// <summary>
/// A prediction over many files as a cluster run: the input list written once (<c>inputs.txt</c>), one task per
/// <see cref="Shard"/> of it writing <c>shard-K/predictions.csv</c> (<c>predict --format csv</c>'s columns) and
/// <c>shard-K/failures.csv</c> (every bad file: path, code, message), and their merge in input order.
/// </summary>
public static class PredictionShards
{
    /// <summary>
    /// The files <c>predict</c> would score for <paramref name="inputs"/> (files as given, folders expanded to their
    /// images, sorted), then the lines of <paramref name="listFile"/> (one path a line; blank lines and <c>#</c> comments skipped).
    /// </summary>
    /// <exception cref="UserError">A folder without images, a missing list file, a path with a line break, or no file at all.</exception>
    public static List<string> Expand(IEnumerable<string> inputs, string? listFile)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(ImageFormats.IsImageFile).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new UserError($"{input}: folder has no {ChestXrayDataset.ImageKinds} images");
                files.AddRange(found);
            }
            else files.Add(input);  // a missing file is reported by its shard, as predict reports it
        }
        if (listFile is not null)
        {
            if (!File.Exists(listFile)) throw new UserError($"--list {listFile}: file not found");
            files.AddRange(File.ReadLines(listFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }
        if (files.Count == 0) throw new UserError("predict: no input files (give images, folders or --list FILE)");
        return files;
    }

    /// <summary>Writes the input list of a sharded prediction.</summary>
    public static void WriteInputs(string dir, IReadOnlyList<string> files) =>
        AtomicFile.WriteAllText(Path.Combine(dir, FileNames.ClusterInputs), string.Concat(files.Select(f => f + "\n")));

    /// <summary>The input list of a sharded prediction, in order.</summary>
    public static List<string> ReadInputs(string dir) => File.ReadAllLines(Path.Combine(dir, FileNames.ClusterInputs)).ToList();

    /// <summary>Scores shard <paramref name="index"/> (of as many as the plan has units) into <paramref name="unitDir"/>; returns (scored, failed).</summary>
    public static (int Scored, int Failed) Run(string dir, ClusterPlan plan, int index, string unitDir, Action<string> log)
    {
        var shard = new Shard(index, plan.Units.Count);
        var files = shard.Select(ReadInputs(dir)).ToList();
        log($"shard {shard}: {files.Count} files");
        using var diagnoser = Diagnoser.Load(plan.Models!, dicom: new DicomOptions { AnyModality = plan.AnyModality });
        var results = new List<ImagePrediction>();
        var failures = new List<string> { "path,code,message" };
        long maxBytes = (plan.MaxFileMb ?? 20) * 1024L * 1024;
        foreach (var path in files)
        {
            try
            {
                results.Add(new ImagePrediction(path, Prediction.From(diagnoser.Diagnose(path, explain: false, maxFileBytes: maxBytes)), null));
            }
            catch (DataException e)
            {
                failures.Add(string.Join(',', Csv.Escape(path), e.Code.ToString(), Csv.Escape(e.Message.ReplaceLineEndings(" "))));
            }
        }
        AtomicFile.WriteAllText(Path.Combine(unitDir, FileNames.Predictions), string.Concat(PredictionCsv.Lines(results, diagnoser.Models, false).Select(l => l + "\n")));
        AtomicFile.WriteAllText(Path.Combine(unitDir, FileNames.ClusterFailures), string.Concat(failures.Select(l => l + "\n")));
        return (results.Count, failures.Count - 1);
    }
}
