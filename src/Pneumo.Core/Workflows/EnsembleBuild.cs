using System.Globalization;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>
/// Builds an ensemble model directory (<c>pneumo ensemble</c>): checks that the members can be combined, writes its
/// <c>model.json</c> (members with their weights' SHA-256, <c>mean_logit</c>, the shared preprocessing, dataset and
/// split) and a copy of their <c>split.csv</c>, then fits its calibration, thresholds and referral on validation
/// exactly as <c>pneumo calibrate</c> does (<see cref="DecisionFitting.Run"/>). Weights are referenced, not copied.
/// </summary>
/// <remarks>
/// The ensemble's validation predictions under the acquisition battery come from running the ensemble itself. The
/// members' stored <c>validation_perturbed.csv</c> cannot stand in for them: they hold each member's probability after
/// its flip averaging (the mean of two sigmoids), from which the per-view logits the ensemble averages cannot be
/// recovered, and float32 sigmoids saturate, so even without flips the logit of a stored probability is not the
/// member's logit.
/// </remarks>
public static class EnsembleBuild
{
    /// <summary>The threshold rule of an ensemble whose members use different rules, when none is asked for.</summary>
    public static ThresholdRule DefaultRule => ThresholdRule.Perturbed;

    /// <summary>Builds the ensemble of <paramref name="memberDirs"/> in <paramref name="outDir"/> and fits its decision.</summary>
    /// <param name="memberDirs">The members' model directories, as given (at least two).</param>
    /// <param name="outDir">The ensemble's directory: new, or without a <c>model.json</c>.</param>
    /// <param name="dataRoot">The data root the members were trained on (their validation split is rebuilt from it).</param>
    /// <param name="coverage">The referral's per-class coverage.</param>
    /// <param name="rule">The threshold rule; null = the members' when they all share one, else <see cref="DefaultRule"/>.</param>
    /// <param name="command">The command line, for provenance.</param>
    /// <param name="log">Receives one line per step and fitted quantity.</param>
    /// <param name="cancel">Stops the validation passes.</param>
    /// <exception cref="UserError">Fewer than two members, <paramref name="outDir"/> already a model, or members that cannot be combined; the message is one line naming the member and the mismatch.</exception>
    public static ModelMetadata Run(IReadOnlyList<string> memberDirs, string outDir, string dataRoot, double coverage, ThresholdRule? rule,
                                    string command, Action<string>? log = null, CancellationToken cancel = default)
    {
        if (memberDirs.Count < 2) throw new UserError("--member: an ensemble needs at least 2 members (repeat --member MODEL_DIR)");
        if (ModelDirectory.Exists(outDir))
            throw new UserError($"--out {outDir}: already a model directory ({FileNames.ModelMetadata}); choose a new folder");
        var (metadata, splitFile) = Describe(memberDirs, outDir, rule, command, log);

        Directory.CreateDirectory(outDir);
        var written = new[] { FileNames.Split, FileNames.ModelMetadata, FileNames.PerturbedValidationPredictions }.Select(f => Path.Combine(outDir, f)).ToList();
        // Predictions of no model (a build that stopped before its model.json): never to be read as this ensemble's.
        File.Delete(written[2]);
        try
        {
            if (splitFile is not null) AtomicFile.Write(written[0], tmp => File.Copy(splitFile, tmp, overwrite: true));
            Json.Write(written[1], metadata);
            log?.Invoke($"wrote {written[1]}; fitting its calibration, operating points and referral on the members' validation split");
            return DecisionFitting.Run(outDir, dataRoot, coverage, rule, command, log, cancel);
        }
        catch
        {
            // No half-built ensemble: without its fitted decision it would answer at an unfitted threshold.
            foreach (var file in written) File.Delete(file);
            throw;
        }
    }

    /// <summary>Loads and checks the members; the ensemble's metadata (decision not fitted yet) and the split file to copy (null when the members recorded none).</summary>
    private static (ModelMetadata Metadata, string? SplitFile) Describe(IReadOnlyList<string> memberDirs, string outDir, ThresholdRule? rule,
                                                                       string command, Action<string>? log)
    {
        var members = new List<ModelDirectory>();
        try
        {
            foreach (var dir in memberDirs)
            {
                var member = ModelDirectory.Load(dir, log);
                members.Add(member);
                if (member.IsEnsemble) throw new UserError($"--member {dir}: is itself an ensemble ({member.Metadata.Architecture}); give its members instead");
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"member {dir}: {member.Metadata.Architecture}, weights {member.Version}, its own threshold {member.Metadata.Threshold:F4} ({member.Metadata.ThresholdMethod.Name})"));
            }
            for (int i = 1; i < members.Count; i++)
                if (EnsembleCheck.Mismatch(members[0].Metadata, members[i].Metadata) is (var field, var value, var expected))
                    throw new UserError($"--member {memberDirs[i]}: {field} is {value}, {memberDirs[0]}'s {expected}: members must share preprocessing and test-time augmentation");
            var splitFile = SharedSplit(members, memberDirs, log);

            var first = members[0].Metadata;
            var rules = members.Select(m => m.Metadata.ThresholdMethod).Distinct().ToList();
            var seeds = members.Select(m => m.Metadata.Seed).Distinct().ToList();
            var metadata = new ModelMetadata
            {
                Architecture = EnsembleModel.Describe(members.Select(m => m.Metadata.Architecture)),
                Task = first.Task,
                Weights = null,
                WeightsDtype = null,
                Preprocessing = first.Preprocessing,
                Members = members.Select(m => new EnsembleMember(EnsembleMember.PathFrom(outDir, m.Path), m.WeightsSha256) { Architecture = m.Metadata.Architecture }).ToList(),
                Combination = EnsembleCombination.MeanLogit,
                ThresholdMethod = rule ?? (rules.Count == 1 ? rules[0] : DefaultRule),
                TestTimeAugmentation = first.TestTimeAugmentation,
                AveragedWeights = members.All(m => m.Metadata.AveragedWeights),
                Seed = seeds.Count == 1 ? seeds[0] : 0,
                Dataset = first.Dataset,
                Provenance = Provenance.Capture(command),
            };
            return (metadata, splitFile);
        }
        finally
        {
            foreach (var m in members) m.Dispose();
        }
    }

    /// <summary>
    /// Checks that the members share one validation split: the same data (fingerprint) and the same <c>split.csv</c>
    /// content, or, for members without a <c>split.csv</c>, the same split settings. Returns a <c>split.csv</c> to copy.
    /// </summary>
    private static string? SharedSplit(IReadOnlyList<ModelDirectory> members, IReadOnlyList<string> given, Action<string>? log)
    {
        var first = members[0].Metadata;
        if (first.Training is null)
            throw new UserError($"--member {given[0]}: records no training configuration, so its validation split (on which the ensemble is fitted) cannot be rebuilt");
        var splits = members.Select(m => Path.Combine(m.Path, FileNames.Split)).Select(f => File.Exists(f) ? f : null).ToList();
        var hashes = splits.Select(f => f is null ? null : FileHash.Sha256(f)).ToList();
        int reference = splits.FindIndex(f => f is not null);
        for (int i = 1; i < members.Count; i++)
        {
            var m = members[i].Metadata;
            string? a = first.Dataset?.Fingerprint, b = m.Dataset?.Fingerprint;
            if (a != b)
                throw new UserError($"--member {given[i]}: trained on other data than {given[0]} (dataset fingerprint {b ?? "not recorded"}, not {a ?? "not recorded"}): members must share the validation split");
            if (reference >= 0 && hashes[i] is not null && hashes[i] != hashes[reference])
                throw new UserError($"--member {given[i]}: its {FileNames.Split} differs from {given[reference]}'s: members must share the validation split");
            if (hashes[i] is null || hashes[0] is null)
            {
                var settings = m.Training is null ? "not recorded" : SplitSettings(m.Training);
                if (settings != SplitSettings(first.Training))
                    throw new UserError($"--member {given[i]}: split settings ({settings}) differ from {given[0]}'s ({SplitSettings(first.Training)}): members must share the validation split");
            }
        }
        log?.Invoke(reference >= 0
            ? $"shared validation split: {splits[reference]} ({first.Dataset?.ValidationCount.ToString(CultureInfo.InvariantCulture) ?? "?"} validation images), copied into the ensemble"
            : $"shared validation split: {SplitSettings(first.Training)} (no {FileNames.Split} recorded; rebuilt from these settings)");
        return reference >= 0 ? splits[reference] : null;
    }

    private static string SplitSettings(TrainingConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"validation fraction {c.ValidationFraction}, split seed {c.EffectiveSplitSeed}, by {EnumNames.Name(c.SplitBy)}, limit {(c.LimitPerClass is int l ? l.ToString(CultureInfo.InvariantCulture) : "none")}");
}
