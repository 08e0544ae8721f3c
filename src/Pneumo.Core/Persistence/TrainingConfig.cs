
namespace Pneumo.Persistence;

/// <summary>Every setting of a training run; recorded in the run folder and in <c>model.json</c>.</summary>
public sealed record TrainingConfig
{
    public string Architecture { get; init; } = "szanet";
    /// <summary>The question the model learns to answer; null = <see cref="ModelTask.Pneumonia"/> (and absent from older files).</summary>
    public ModelTask? Task { get; init; }
    /// <summary>The task, pneumonia when none is set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ModelTask EffectiveTask => Task ?? ModelTask.Pneumonia;
    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 5e-5;
    public int Seed { get; init; } = 42;
    /// <summary>The seed of the train/validation split when it differs from <see cref="Seed"/> (a second seed of weights and order on the same validation images); null = <see cref="Seed"/>.</summary>
    public int? SplitSeed { get; init; }
    /// <summary>The seed the split is drawn with.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int EffectiveSplitSeed => SplitSeed ?? Seed;
    public double ValidationFraction { get; init; } = 0.2;
    public SplitBy SplitBy { get; init; } = SplitBy.Patient;
    public AugmentationOptions Augmentation { get; init; } = new();
    /// <summary>Weight the loss by balanced class weights n/(2 n_c) from the training part.</summary>
    public bool ClassWeights { get; init; } = true;
    /// <summary>Standardise each image to mean 0 and standard deviation 1 after scaling; null = the architecture's default (on for SZANet, off for pretrained backbones).</summary>
    public bool? PerImageStandardize { get; init; }
    /// <summary>Learning rate of a pretrained backbone's trainable blocks, as a fraction of <see cref="LearningRate"/>.</summary>
    public double BackboneLrScale { get; init; } = 0.1;
    /// <summary>Layer-wise learning-rate decay: each pretrained stage further from the head learns at this fraction of the next one's rate (1 = all the same).</summary>
    public double LayerLrDecay { get; init; } = 1.0;
    /// <summary>AdamW's decoupled weight decay on weight matrices and kernels; 0 = Adam (the paper's).</summary>
    public double WeightDecay { get; init; }
    /// <summary>
    /// How the learning rate changes: <c>plateau</c> (the paper's: reduced on a validation-loss plateau) or <c>cosine</c>
    /// (a linear warm-up over <see cref="WarmupEpochs"/>, then a cosine decay to 1% over the remaining epochs, per step).
    /// </summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Plateau;
    /// <summary>Warm-up length of the cosine schedule, in epochs (fractions allowed).</summary>
    public double WarmupEpochs { get; init; }
    /// <summary>
    /// Augment from a pool of this many seeded draws per image (epoch e uses draw e mod K), so that a frozen front's
    /// outputs can be cached; null = a fresh draw every epoch for models without a frozen front, 6 for those with one.
    /// </summary>
    public int? AugmentationPool { get; init; }
    /// <summary>The external ONNX backbone of an <c>onnx-frozen</c> model; null for the built-in architectures.</summary>
    public BackboneSpec? Backbone { get; init; }
    /// <summary>The input preprocessing, when not the architecture's default (e.g. what an external backbone expects).</summary>
    public Preprocessing? Input { get; init; }
    /// <summary>A model directory whose saved weights initialise the model (e.g. a trained frozen-base head before fine-tuning); null = none.</summary>
    public string? InitFrom { get; init; }
    public int EarlyStoppingPatience { get; init; } = 10;
    public int ReduceLrPatience { get; init; } = 4;
    public double ReduceLrFactor { get; init; } = 0.5;
    /// <summary>Decay of the exponential moving average of the weights that is validated and shipped; 0 = no averaging.</summary>
    public double EmaDecay { get; init; } = 0.998;
    /// <summary>Test-time augmentation used for validation and stored in the model: none or hflip.</summary>
    public TestTimeAugmentation TestTimeAugmentation { get; init; } = TestTimeAugmentation.HorizontalFlip;
    public double MinLearningRate { get; init; } = 1e-7;
    /// <summary>Smallest decrease of validation loss that counts as an improvement.</summary>
    public double MinDelta { get; init; } = 1e-4;
    /// <summary>Use at most this many training-set images per class (quick runs and tests); null = all.</summary>
    public int? LimitPerClass { get; init; }
    /// <summary>
    /// Arithmetic of the training steps' convolutions: <c>fp32</c>, or <c>bf16</c> (bfloat16 convolutions, all else
    /// float32; see <c>Models.ClassifierModel.MixedPrecision</c>). Evaluation is always float32.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>
    /// Which candidate threshold (both chosen on validation, both recorded) the model decides with: <c>youden</c> (the
    /// validation split's Youden point) or <c>default</c> (0.5, the balanced-prior decision point of a model trained
    /// with class weights).
    /// </summary>
    public ThresholdRule ThresholdRule { get; init; } = ThresholdRule.Youden;
    /// <summary>The evaluation-time central crop (see <see cref="Preprocessing.CenterCrop"/>); null = none.</summary>
    public double? CenterCrop { get; init; }
    /// <summary>
    /// How the finished model's weights are stored: <c>fp32</c>, or <c>fp16</c> (half the size, for a model that must
    /// ship in a size limit; validation and thresholds then come from the rounded weights, which are what ships).
    /// </summary>
    public WeightsPrecision WeightsPrecision { get; init; } = WeightsPrecision.Fp32;
    /// <summary>Intra-op threads for torch; 0 = number of cores.</summary>
    public int Threads { get; init; }

    /// <summary>The first invalid setting, as a message naming the option, or null.</summary>
    public string? Validate()
    {
        if (Epochs < 1) return "--epochs must be at least 1";
        if (BatchSize < 1) return "--batch-size must be at least 1";
        if (LearningRate is <= 0 or > 1) return "--lr must be in (0, 1]";
        if (ValidationFraction is <= 0 or >= 1) return "--val-fraction must be between 0 and 1";
        if (Augmentation.Shear < 0 || Augmentation.Zoom is < 0 or >= 1) return "--shear must be >= 0 and --zoom in [0, 1)";
        if (EarlyStoppingPatience < 1 || ReduceLrPatience < 1) return "patience values must be at least 1";
        if (LimitPerClass is < 2) return "--limit must be at least 2";
        if (EmaDecay is < 0 or >= 1) return "--ema must be 0 (off) or in (0, 1)";
        if (AugmentationPool is < 1) return "--augmentation-pool must be at least 1";
        if (BackboneLrScale is <= 0 or > 1) return "--backbone-lr-scale must be in (0, 1]";
        if (LayerLrDecay is <= 0 or > 1) return "--layer-lr-decay must be in (0, 1]";
        if (WeightDecay is < 0 or >= 1) return "--weight-decay must be in [0, 1)";
        if (CenterCrop is <= 0.5 or > 1) return "--center-crop must be in (0.5, 1]";
        if (Augmentation.CropMinArea is <= 0 or > 1) return "--crop-scale must be in (0, 1]";
        if (Augmentation.Brightness is < 0 or >= 1 || Augmentation.Contrast is < 0 or >= 1 || Augmentation.Gamma is < 0 or > 2)
            return "--brightness and --contrast must be in [0, 1), --gamma in [0, 2]";
        if (Augmentation.EraseProbability is < 0 or > 1) return "--erase must be in [0, 1]";
        if (Augmentation.JpegProbability is < 0 or > 1) return "--jpeg must be in [0, 1]";
        if (Augmentation.JpegMinQuality is < 1 or > 95) return "--jpeg-min-quality must be in [1, 95]";
        if (WarmupEpochs < 0 || (WarmupEpochs >= Epochs && Schedule == LearningRateSchedule.Cosine)) return "--warmup must be at least 0 and below --epochs";
        return null;
    }
}
