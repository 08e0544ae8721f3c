using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using TorchSharp;

namespace Pneumo.Tests;

/// <summary>Tiny saved models (a seeded untrained SZANet at 64 px) and their <c>model.json</c> edited as <c>pneumo calibrate</c> edits it.</summary>
internal static class TinyModels
{
    public const int Size = 64;

    /// <summary>A seeded untrained SZANet(64) in <paramref name="dir"/>: the default threshold 0.5, no calibration, no referral.</summary>
    public static string SaveSzaNet(string dir, int seed = 42, ModelTask? task = null)
    {
        torch.manual_seed(seed);
        using var model = new SzaNet(Size, (task ?? ModelTask.Pneumonia).Outputs());
        ModelDirectory.Save(dir, model, new ModelMetadata { Architecture = SzaNet.Name, Task = task, Preprocessing = Preprocessing.UnitScale() with { InputSize = Size } });
        return dir;
    }

    /// <summary>A seeded untrained three-class SZANet(64) of the finding task (NORMAL, BACTERIAL, VIRAL).</summary>
    public static string SaveFinding(string dir, int seed = 42) => SaveSzaNet(dir, seed, ModelTask.Finding);

    /// <summary>Rewrites the model's <c>model.json</c> with <paramref name="change"/> (the weights are not touched).</summary>
    public static void Edit(string dir, Func<ModelMetadata, ModelMetadata> change)
    {
        var path = Path.Combine(dir, FileNames.ModelMetadata);
        Json.Write(path, change(Json.Read<ModelMetadata>(path)));
    }

    /// <summary>
    /// <see cref="SaveSzaNet"/> that refers every image: calibrated with temperature 100 (an untrained network's
    /// probabilities end up within a few hundredths of 0.5) and a referral rule that decides only at or below 0.3
    /// (NORMAL) or at or above 0.7 (PNEUMONIA).
    /// </summary>
    public static string SaveReferring(string dir)
    {
        SaveSzaNet(dir);
        Edit(dir, m => m with
        {
            Calibration = new ScoreCalibration(100, "a test: temperature chosen by hand", 0),
            Referral = new ReferralRule(0.95, 0.3, 0.3, 0, 0, "a test: quantiles chosen by hand"),
        });
        return dir;
    }
}
