using System.Globalization;
using Pneumo.Persistence;
using static Pneumo.Reporting.Card.CardFormat;

namespace Pneumo.Reporting.Card;

/// <summary>The card's "Training data and split": the data, the parts and their counts, and how the model was trained.</summary>
public static class TrainingDataSection
{
    public static void Write(CardDocument doc, ModelCardInputs inputs)
    {
        var m = inputs.Metadata;
        var c = m.Training;
        doc.Heading(2, "Training data and split");
        if (m.IsEnsemble && m.Dataset is { } ensembleData)
        {
            WriteEnsemble(doc, inputs, ensembleData);
            return;
        }
        if (m.Dataset is null || c is null)
        {
            doc.NotEvaluated("training data and split", "model.json records no training data or settings (a model saved before they were recorded)", null);
            return;
        }
        var d = m.Dataset;
        var items = new List<string>
        {
            $"Data: the training images of {KnownDatasets.Describe(d, cite: true)}, read from `{d.Root}` (fingerprint {d.Fingerprint}).",
            $"Split: {F((1 - c.ValidationFraction) * 100, "0.#")}/{F(c.ValidationFraction * 100, "0.#")} hold-out of those images, " +
                (c.SplitBy == SplitBy.Patient ? "grouped by patient (all of a child's images on one side)" : "by image (a patient's images can fall on both sides)") +
                $", drawn with seed {c.EffectiveSplitSeed}" + (c.SplitSeed is not null ? $" (the weights and order with seed {c.Seed})" : "") + ".",
        };
        if (inputs.Split is { } s && c.SplitBy == SplitBy.Patient) items.Add(SharedPatients(s));
        doc.Bullets(items);
        PartsTable(doc, inputs, d);
        if (inputs.Split is { } counts && (counts.TrainNormal != d.TrainClassCounts[0] || counts.ValidationNormal != d.ValidationClassCounts[0]
                                         || counts.TrainPneumonia != d.TrainClassCounts[1] || counts.ValidationPneumonia != d.ValidationClassCounts[1]))
            doc.Paragraph($"split.csv counts differ from model.json's: train {counts.TrainNormal}/{counts.TrainPneumonia}, validation " +
                          $"{counts.ValidationNormal}/{counts.ValidationPneumonia} (NORMAL/PNEUMONIA); the table gives model.json's.");
        doc.Paragraph(inputs.Test is null
            ? "The test set was not used to train the model or to choose anything about it; no test evaluation was given to this card."
            : "The test row is the evaluation's (metrics.json); the test set was not used to train the model or to choose its threshold.");

        doc.Bullets(Training(inputs, c));
        var sources = new List<string> { inputs.ModelFile };
        if (inputs.Split is not null) sources.Add(Path.Combine(inputs.ModelDirectory, FileNames.Split));
        if (inputs.History is not null) sources.Add(Path.Combine(inputs.ModelDirectory, FileNames.History));
        if (inputs.Test is { } t) sources.Add(t.MetricsFile);
        doc.Source([.. sources]);
    }

    /// <summary>An ensemble trains nothing itself: its members' shared data and validation split, and where each member's training is.</summary>
    private static void WriteEnsemble(CardDocument doc, ModelCardInputs inputs, DatasetInfo d)
    {
        var items = new List<string>
        {
            $"Data: the training images of {KnownDatasets.Describe(d, cite: true)}, read from `{d.Root}` (fingerprint {d.Fingerprint}).",
            "Split: the members' one validation split (they were built on the same `split.csv`, copied here, and the ensemble's " +
                "calibration, operating points and referral were fitted on its validation part); each member's training is on its own card " +
                $"({string.Join(", ", inputs.Metadata.Members!.Select(mb => $"`{mb.Path}/MODEL_CARD.md`"))}).",
        };
        if (inputs.Split is { } s) items.Add(SharedPatients(s));
        doc.Bullets(items);
        PartsTable(doc, inputs, d);
        var sources = new List<string> { inputs.ModelFile };
        if (inputs.Split is not null) sources.Add(Path.Combine(inputs.ModelDirectory, FileNames.Split));
        doc.Source([.. sources]);
    }

    private static string SharedPatients(SplitCounts s) =>
        s.SharedPatients == 0 ? "No patient has images in both parts (checked in split.csv)." : $"**{s.SharedPatients} patients have images in both parts** (split.csv).";

    /// <summary>The images (and patients, from split.csv) in each part: train and validation from model.json, test from the evaluation given.</summary>
    private static void PartsTable(CardDocument doc, ModelCardInputs inputs, DatasetInfo d)
    {
        var rows = new List<IReadOnlyList<string>>
        {
            Row("train", d.TrainClassCounts, inputs.Split?.TrainPatients),
            Row("validation", d.ValidationClassCounts, inputs.Split?.ValidationPatients),
        };
        if (inputs.Test is { } test)
            rows.Add(Row("test", [test.Result.Tn + test.Result.Fp, test.Result.Tp + test.Result.Fn], null));
        doc.Table(["part", "images", "NORMAL", "PNEUMONIA", "patients"], rows);
    }

    private static IReadOnlyList<string> Row(string part, int[] counts, int? patients) =>
        [part, N(counts.Sum()), N(counts[0]), N(counts[1]), patients is int p ? N(p) : "not recorded"];

    private static IEnumerable<string> Training(ModelCardInputs inputs, TrainingConfig c)
    {
        var m = inputs.Metadata;
        int? ran = inputs.History?.Count;
        var best = inputs.History?.FirstOrDefault(h => h.Epoch == m.BestEpoch);
        yield return $"Training: {(ran is int r ? $"{r} epochs run" : "epochs not recorded")} (at most {c.Epochs})" +
                     (m.BestEpoch is int b ? $"; the weights are epoch {b}'s" + (best is null ? "" : $" (validation loss {F(best.ValLoss, "F4")})") : "") +
                     $"; batch {c.BatchSize}, learning rate {c.LearningRate.ToString("0.#########", CultureInfo.InvariantCulture)}, " +
                     (c.WeightDecay > 0 ? $"AdamW (weight decay {F(c.WeightDecay, "G3")})" : "Adam") +
                     $", {(c.Schedule == LearningRateSchedule.Cosine ? "cosine schedule" : "reduced on a validation-loss plateau")}" +
                     (c.EmaDecay > 0 ? $", weights averaged (EMA {F(c.EmaDecay, "0.####")})" : "") +
                     (c.Precision == Precision.Bf16 ? ", bfloat16 convolutions" : "") + ".";
        if (c.InitFrom is { } init) yield return $"Initialised from the model `{init}`.";
        yield return "Loss: " + (c.ClassWeights && m.Dataset is { ClassWeights: [var wn, var wp] }
            ? $"binary cross-entropy weighted by class (NORMAL {F(wn)}, PNEUMONIA {F(wp)})."
            : "binary cross-entropy, unweighted.");
        yield return "Augmentation: " + Augmentation(c.Augmentation) + ".";
    }

    private static string Augmentation(AugmentationOptions a)
    {
        var parts = new List<string>();
        if (a.CropMinArea < 1) parts.Add($"random resized crop (area {F(a.CropMinArea, "0.##")} to 1)");
        if (a.Shear > 0) parts.Add($"shear {F(a.Shear, "0.##")} {a.ShearUnit.ToString().ToLowerInvariant()}");
        if (a.Zoom > 0) parts.Add($"zoom {F(a.Zoom, "0.##")}");
        if (a.HorizontalFlip) parts.Add("horizontal flip");
        if (a.Brightness > 0) parts.Add($"brightness ±{F(a.Brightness, "0.##")}");
        if (a.Contrast > 0) parts.Add($"contrast ±{F(a.Contrast, "0.##")}");
        if (a.Gamma > 0) parts.Add($"gamma {F(a.Gamma, "0.##")}");
        if (a.EraseProbability > 0) parts.Add($"random erasing (p {F(a.EraseProbability, "0.##")})");
        if (a.JpegProbability > 0) parts.Add($"JPEG re-compression (p {F(a.JpegProbability, "0.##")}, quality {a.JpegMinQuality} to 95)");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
