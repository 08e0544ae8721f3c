using Pneumo.Cli.Infrastructure;
using Pneumo.Cluster;
using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;

namespace Pneumo.Cli.Cluster;

/// <summary>What the jobs of a cluster run execute: <c>pneumo cluster task DIR --index I</c> and <c>pneumo cluster merge DIR</c>.</summary>
public static class ClusterJobs
{
    /// <summary>Runs task <paramref name="index"/>: its fold, training run or shard, into its unit folder only.</summary>
    public static int Task(string dir, int index, string command, Terminal terminal, Action<string> log, CancellationToken cancel)
    {
        int exit = ExitCodes.Success;
        var error = ClusterTask.Run(dir, index, command, log, (plan, unitDir) =>
        {
            int threads = plan.Resources.CpusPerTask;
            switch (plan.Workload)
            {
                case ClusterWorkload.Cv:
                    CrossValidationRun.ExecuteFold(dir, index - 1, threads, command, [new ConsoleProgress(terminal.Out)], log, new ReportWriter(), plan.Bootstrap ?? 2000, cancel);
                    return null;
                case ClusterWorkload.Train:
                    string[] args = File.Exists(Path.Combine(unitDir, FileNames.Run))
                        ? ["train", "--resume", unitDir, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                        : ["train", .. plan.TrainArguments![index - 1], "--out", unitDir];
                    log($"{plan.Units[index - 1]}: pneumo {string.Join(' ', args)}");
                    exit = PneumoApp.RunAsync(args, terminal).GetAwaiter().GetResult();
                    return exit == ExitCodes.Success ? null : $"pneumo train exited {exit} (see the log)";
                default:
                    var (scored, failed) = PredictionShards.Run(dir, plan, index, unitDir, log);
                    log($"{plan.Units[index - 1]}: {scored} scored, {failed} bad files");
                    return null;
            }
        });
        return error is null ? ExitCodes.Success : exit == ExitCodes.Success ? ExitCodes.Failed : exit;
    }

    /// <summary>Merges a finished cluster run: checks its units (complete, one commit), then the workload's merge.</summary>
    public static int Merge(string dir, string command, Action<string> log, Action<string> warn)
    {
        var plan = ClusterRun.Load(dir);
        switch (plan.Workload)
        {
            case ClusterWorkload.Cv:
                var summary = ClusterMerge.CrossValidation(dir, command, new ReportWriter());
                log(CrossValidationTable.Markdown(summary));
                log($"merged {summary.Finished.Count} folds: {Path.Combine(dir, FileNames.CrossValidationSummary)} and {FileNames.CrossValidationTable}");
                break;
            case ClusterWorkload.Train:
                ClusterMerge.Run(dir, command, p => p);
                log($"{plan.Units.Count} training runs finished at one commit: {string.Join(", ", plan.Units)}");
                break;
            default:
                var merged = ClusterMerge.Run(dir, command, p => ShardMerge.Write(dir, p));
                foreach (var (path, message) in merged.Failures) warn(message.StartsWith(path, StringComparison.Ordinal) ? message : $"{path}: {message}");
                log($"merged {merged.Rows} predictions of {merged.Rows + merged.Failures.Count} files into {Path.Combine(dir, FileNames.Predictions)}" +
                    (merged.Failures.Count == 0 ? "" : $"; {merged.Failures.Count} bad files, listed in {Path.Combine(dir, FileNames.ClusterFailures)}"));
                break;
        }
        return ExitCodes.Success;
    }
}
