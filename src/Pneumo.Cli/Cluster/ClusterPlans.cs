using Pneumo.Cli.Commands;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cluster;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Cli.Cluster;

/// <summary>
/// <c>pneumo cluster cv|train|predict</c>: checks the options as the verb the tasks run would (so a mistake stops here,
/// not in every task after hours in the queue), writes the workload's settings into the run folder, and prepares its
/// plan and scripts (<see cref="ClusterRun.Prepare"/>).
/// </summary>
public static class ClusterPlans
{
    public static ClusterPlan Prepare(ClusterCommand.Settings settings, string dir, string launcher, string command, Action<string> log)
    {
        var plan = new ClusterPlan
        {
            Workload = ClusterWorkload.Cv, Units = [], Launcher = launcher, WorkingDirectory = Directory.GetCurrentDirectory(),
            Resources = settings.Resources(), Provenance = Provenance.Capture(command),
        };
        plan = settings.Action switch
        {
            "cv" => CrossValidation(settings, dir, plan, log),
            "train" => Training(settings, plan, log),
            _ => Prediction(settings, dir, plan, log),
        };
        ClusterRun.Prepare(dir, plan, ensembleVerb: CommandCatalog.Verbs.Any(v => v.Verb == "ensemble"));
        return plan;
    }

    private static ClusterPlan CrossValidation(ClusterCommand.Settings s, string dir, ClusterPlan plan, Action<string> log)
    {
        var arch = s.Arch ?? "szanet";
        if (!ModelRegistry.Contains(arch)) throw new UserError($"--arch: unknown architecture '{arch}' (known: {string.Join(", ", ModelRegistry.Names)})");
        var config = CrossValidationRun.FoldConfig(new TrainingConfig
        {
            Architecture = arch.ToLowerInvariant(), Epochs = s.Epochs ?? new TrainingConfig().Epochs, Seed = s.Seed, LimitPerClass = s.Limit, Threads = s.Cpus,
        }, s.Folds);
        if (config.Validate() is { } problem) throw new UserError(problem);
        var root = DataRoot.Resolve(s.Data);
        log($"data: {root}; {s.Folds}-fold cross-validation of {arch} in {dir}, one task per fold");
        Directory.CreateDirectory(dir);
        CrossValidationRun.Prepare(config, s.Folds, root, dir);
        return plan with { Units = Enumerable.Range(0, s.Folds).Select(FileNames.Fold).ToList(), Bootstrap = s.Bootstrap };
    }

    private static ClusterPlan Training(ClusterCommand.Settings s, ClusterPlan plan, Action<string> log)
    {
        var seeds = ClusterCommand.Settings.ParseSeeds(s.Seeds!)!;
        var recipes = s.Recipes.Length == 0 ? [[]] : s.Recipes.Select(VerbArguments.Split).ToList();
        var common = new List<string> { "--data", DataRoot.Resolve(s.Data), "--threads", s.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (s.Arch is not null) common.AddRange(["--arch", s.Arch]);
        if (s.Epochs is int e) common.AddRange(["--epochs", e.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (s.Limit is int l) common.AddRange(["--limit", l.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var units = new List<string>();
        var arguments = new List<List<string>>();
        for (int r = 0; r < recipes.Count; r++)
        {
            if (recipes[r].Intersect(["--out", "--resume", "--seed", "--threads", "--data"]).FirstOrDefault() is { } reserved)
                throw new UserError($"--recipe '{s.Recipes[r]}': {reserved} is set by pneumo cluster (--out is the run folder, --seeds, --cpus, --data)");
            foreach (var seed in seeds)
            {
                var args = new List<string>(common);
                args.AddRange(recipes[r]);
                args.AddRange(["--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (VerbArguments.Problem(["train", .. args, "--out", "check"]) is { } problem)
                    throw new UserError($"{(s.Recipes.Length > 0 ? $"--recipe '{s.Recipes[r]}'" : "train options")}: {problem}");
                units.Add(FileNames.Member(seed, recipes.Count > 1 ? r + 1 : null));
                arguments.Add(args);
            }
        }
        log($"{units.Count} training runs ({string.Join(", ", units)}), then their ensemble");
        return plan with { Workload = ClusterWorkload.Train, Units = units, TrainArguments = arguments };
    }

    private static ClusterPlan Prediction(ClusterCommand.Settings s, string dir, ClusterPlan plan, Action<string> log)
    {
        var files = PredictionShards.Expand(s.Paths, s.List);
        if (files.FirstOrDefault(f => f.Contains('\n') || f.Contains('\r')) is { } bad) throw new UserError($"{bad.ReplaceLineEndings(" ")}: a path with a line break cannot be listed");
        var models = (s.Models.Length == 0 ? [ModelLocator.Resolve(null)] : s.Models).Select(Path.GetFullPath).ToList();
        foreach (var m in models)
            if (!File.Exists(Path.Combine(m, FileNames.ModelMetadata))) throw new UserError($"--model {m}: not a model directory (no {FileNames.ModelMetadata})");
        log($"{files.Count} files in {s.Shards} shards, scored by {string.Join(", ", models)}");
        Directory.CreateDirectory(dir);
        PredictionShards.WriteInputs(dir, files);
        return plan with
        {
            Workload = ClusterWorkload.Predict, Units = Enumerable.Range(1, s.Shards).Select(FileNames.Shard).ToList(),
            Models = models, MaxFileMb = s.MaxFileMb, AnyModality = s.AnyModality,
        };
    }
}
