using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Workflows;
using Spectre.Console;
using Pneumo.Cli.Help;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo train</c>: a training run in a folder, resumable.</summary>
public sealed class TrainCommand(Terminal terminal) : PneumoCommand<TrainCommand.Settings>(terminal)
{
    public sealed class Settings : SeedSettings
    {
        [CommandOption("--arch <NAME>"), Description("Architecture: szanet, resnet18-frozen, resnet18-finetune, resnet18-full, or onnx-frozen (with --backbone)."), DefaultValue("szanet")]
        public string Arch { get; init; } = "szanet";

        [CommandOption("--task <TASK>"), Description("pneumonia (NORMAL or PNEUMONIA, one sigmoid output) or finding (NORMAL, BACTERIAL or VIRAL from the file names, three softmax outputs; P(pneumonia) = P(bacterial) + P(viral))."), DefaultValue("pneumonia")]
        public string Task { get; init; } = "pneumonia";

        [CommandOption("--out <RUN_DIR>"), Description("Run folder to create (required unless --resume).")]
        public string? Out { get; init; }

        [CommandOption("--resume <RUN_DIR>"), Description("Continue an interrupted run from its last checkpoint.")]
        public string? Resume { get; init; }

        [CommandOption("--epochs <N>"), Description("Maximum epochs (default 30). With --resume: a new maximum for the run, e.g. to end it now with its best weights."), HelpDefault("30")]
        public int? Epochs { get; init; }

        [CommandOption("--batch-size <N>"), DefaultValue(32), Description("Images per training step (and per evaluation batch).")]
        public int BatchSize { get; init; } = 32;

        [CommandOption("--lr <RATE>"), Description("Adam learning rate."), DefaultValue(5e-5)]
        public double LearningRate { get; init; } = 5e-5;

        [CommandOption("--val-fraction <F>"), Description("Fraction of train held out for validation."), DefaultValue(0.2)]
        public double ValFraction { get; init; } = 0.2;

        [CommandOption("--split-by <UNIT>"), Description("patient (no patient on both sides) or image (the paper's plain split)."), DefaultValue("patient")]
        public string SplitBy { get; init; } = "patient";

        [CommandOption("--shear <ANGLE>"), Description("Maximum shear angle."), DefaultValue(0.2)]
        public double Shear { get; init; } = 0.2;

        [CommandOption("--shear-unit <UNIT>"), Description("rad (the paper) or deg (Keras' shear_range unit)."), DefaultValue("rad")]
        public string ShearUnit { get; init; } = "rad";

        [CommandOption("--zoom <R>"), Description("Zoom range: factors per axis in [[1-R, 1+R]]."), DefaultValue(0.2)]
        public double Zoom { get; init; } = 0.2;

        [CommandOption("--no-flip"), Description("Disable the random horizontal flip.")]
        public bool NoFlip { get; init; }

        [CommandOption("--no-augment"), Description("Disable all augmentation.")]
        public bool NoAugment { get; init; }

        [CommandOption("--no-class-weights"), Description("Do not weight the loss by class frequency.")]
        public bool NoClassWeights { get; init; }

        [CommandOption("--normalize <MODE>"), Description("Intensity normalisation after scaling: per-image (mean 0, sd 1) or none. Default: the architecture's (per-image for szanet, none for pretrained backbones, which expect their own preprocessing)."), HelpDefault("by arch")]
        public string? Normalize { get; init; }

        [CommandOption("--backbone-lr-scale <F>"), Description("Learning rate of a pretrained backbone's fine-tuned blocks, as a fraction of --lr."), DefaultValue(0.1)]
        public double BackboneLrScale { get; init; } = 0.1;

        [CommandOption("--layer-lr-decay <F>"), Description("Each pretrained stage further from the head learns at F times the next one's rate (resnet18-full: layer4 at --backbone-lr-scale, layer3 at F times that, ... the stem last)."), DefaultValue(1.0)]
        public double LayerLrDecay { get; init; } = 1.0;

        [CommandOption("--weight-decay <W>"), Description("AdamW's decoupled weight decay on weights and kernels (0 = Adam, the paper's)."), DefaultValue(0.0)]
        public double WeightDecay { get; init; }

        [CommandOption("--schedule <S>"), Description("Learning-rate schedule: plateau (the paper's reduce-on-plateau) or cosine (linear warm-up, then cosine decay per step over --epochs)."), DefaultValue("plateau")]
        public string Schedule { get; init; } = "plateau";

        [CommandOption("--warmup <EPOCHS>"), Description("Warm-up of the cosine schedule, in epochs."), DefaultValue(0.0)]
        public double Warmup { get; init; }

        [CommandOption("--crop-scale <A>"), Description("Random resized crop: area between A and 1 of the image, aspect 3:4 to 4:3 (1 = off)."), DefaultValue(1.0)]
        public double CropScale { get; init; } = 1;

        [CommandOption("--brightness <B>"), Description("Brightness jitter: a factor in 1-B to 1+B (0 = off)."), DefaultValue(0.0)]
        public double Brightness { get; init; }

        [CommandOption("--contrast <C>"), Description("Contrast jitter about mid-grey: a factor in 1-C to 1+C (0 = off)."), DefaultValue(0.0)]
        public double Contrast { get; init; }

        [CommandOption("--gamma <G>"), Description("Gamma jitter: an exponent in 1/(1+G) to 1+G (0 = off)."), DefaultValue(0.0)]
        public double Gamma { get; init; }

        [CommandOption("--erase <P>"), Description("Random erasing: with probability P, a rectangle of 2-20% of the image filled with one random grey (0 = off)."), DefaultValue(0.0)]
        public double Erase { get; init; }

        [CommandOption("--jpeg <P>"), Description("JPEG re-compression: with probability P, the image encoded and decoded at a quality drawn from --jpeg-min-quality to 95 (0 = off)."), DefaultValue(0.0)]
        public double Jpeg { get; init; }

        [CommandOption("--jpeg-min-quality <Q>"), Description("Lowest quality of the --jpeg re-compression (1-95)."), DefaultValue(20)]
        public int JpegMinQuality { get; init; } = 20;

        [CommandOption("--split-seed <N>"), Description("Seed of the train/validation split, when it should differ from --seed (e.g. a second seed on the same validation images, for an ensemble)."), HelpDefault("--seed")]
        public int? SplitSeed { get; init; }

        [CommandOption("--center-crop <F>"), Description("Evaluation-time framing stored in the model: the central fraction F of each side, resized to the input size (1 = the whole image)."), HelpDefault("1")]
        public double? CenterCrop { get; init; }

        [CommandOption("--threshold-rule <R>"), Description("The model's decision threshold: youden (chosen on validation), default (0.5), perturbed (the Youden point of validation pooled over acquisition perturbations; 7 extra validation passes), or sensitivity:X (the highest threshold keeping that pooled validation sensitivity at least X, e.g. sensitivity:0.97). All computed are recorded. Allowed with --resume, also on a finished run (it is then written again). Default: youden."), HelpDefault("youden")]
        public string? ThresholdRule { get; init; }

        [CommandOption("--weights-precision <P>"), Description("How the finished model's weights are stored: fp32, or fp16 (half the size; validated as rounded). Allowed with --resume, also on a finished run (it is then written again)."), DefaultValue("fp32")]
        public string WeightsPrecision { get; init; } = "fp32";

        [CommandOption("--init <MODEL_DIR>"), Description("Start from the weights of a trained model, e.g. a resnet18-frozen head before fine-tuning.")]
        public string? Init { get; init; }

        [CommandOption("--patience <N>"), Description("Early-stopping patience (epochs without val_loss improvement)."), DefaultValue(10)]
        public int Patience { get; init; } = 10;

        [CommandOption("--lr-patience <N>"), Description("Reduce-LR-on-plateau patience."), DefaultValue(4)]
        public int LrPatience { get; init; } = 4;

        [CommandOption("--lr-factor <F>"), Description("Reduce-LR-on-plateau factor."), DefaultValue(0.5)]
        public double LrFactor { get; init; } = 0.5;

        [CommandOption("--ema <DECAY>"), Description("Validate and ship an exponential moving average of the weights with this decay (0 = off)."), DefaultValue(0.998)]
        public double Ema { get; init; } = 0.998;

        [CommandOption("--tta <MODE>"), Description("Test-time augmentation: hflip (mean of the image and its mirror) or none."), DefaultValue("hflip")]
        public string Tta { get; init; } = "hflip";

        [CommandOption("--augmentation-pool <K>"), Description("Augment from K seeded draws per image (epoch e uses draw e mod K) so a frozen base's outputs are computed once per draw and cached. Default: 6 for models with a frozen base, a fresh draw every epoch otherwise."), HelpDefault("6 if frozen")]
        public int? AugmentationPool { get; init; }

        [CommandOption("--precision <P>"), Description("Arithmetic of the training convolutions: fp32, or bf16 (bfloat16 convolutions as autocast does; weights, gradients and evaluation stay float32; faster on CPUs with AVX-512 BF16). SZANet and the trained layers of the ResNets."), DefaultValue("fp32")]
        public string Precision { get; init; } = "fp32";

        [CommandOption("--backbone <FILE>"), Description("With --arch onnx-frozen: an ONNX image featurizer to use as the frozen base (see the README).")]
        public string? Backbone { get; init; }

        [CommandOption("--backbone-input <NAME>"), Description("Name of the backbone's image input [[N,3,S,S]]."), DefaultValue("input")]
        public string BackboneInput { get; init; } = "input";

        [CommandOption("--backbone-output <NAME>"), Description("Name of the backbone's feature output [[N,C]] or [[N,C,h,w]]."), DefaultValue("output")]
        public string BackboneOutput { get; init; } = "output";

        [CommandOption("--channel-order <ORDER>"), Description("With --backbone: RGB or BGR, as the backbone expects.")]
        public string? ChannelOrder { get; init; }

        [CommandOption("--pixel-scale <F>"), Description("With --backbone: multiply 0..255 pixels by F (e.g. 1 or 0.00392157 = 1/255).")]
        public double? PixelScale { get; init; }

        [CommandOption("--mean <M,M,M>"), Description("With --backbone: per-channel mean subtracted after scaling (in --channel-order).")]
        public string? Mean { get; init; }

        [CommandOption("--std <S,S,S>"), Description("With --backbone: per-channel standard deviation divided by after the mean.")]
        public string? Std { get; init; }

        [CommandOption("--limit <N>"), Description("Use at most N training images per class (quick runs).")]
        public int? Limit { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (Resume is null && Out is null) return ValidationResult.Error("--out RUN_DIR is required (or --resume RUN_DIR)");
            if (Resume is not null && Out is not null) return ValidationResult.Error("--out and --resume cannot be combined");
            if (!ModelRegistry.Contains(Arch)) return ValidationResult.Error($"--arch: unknown architecture '{Arch}' (known: {string.Join(", ", ModelRegistry.Names)})");
            if (SplitBy is not ("patient" or "image")) return ValidationResult.Error("--split-by must be patient or image");
            if (ShearUnit is not ("rad" or "deg")) return ValidationResult.Error("--shear-unit must be rad or deg");
            var arch = ModelRegistry.Get(Arch);
            if (arch.NeedsBackbone != (Backbone is not null))
                return ValidationResult.Error(arch.NeedsBackbone ? $"--arch {Arch} needs --backbone FILE.onnx" : $"--backbone works with --arch onnx-frozen only");
            if (Backbone is not null && !File.Exists(Backbone)) return ValidationResult.Error($"--backbone {Backbone}: file not found");
            if (Mean is not null && ParseTriple(Mean) is null) return ValidationResult.Error("--mean must be three numbers, e.g. 0.485,0.456,0.406");
            if (Std is not null && (ParseTriple(Std) is not { } std || std.Any(v => v <= 0))) return ValidationResult.Error("--std must be three positive numbers, e.g. 0.229,0.224,0.225");
            if (Normalize is not (null or "per-image" or "none")) return ValidationResult.Error("--normalize must be per-image or none");
            TrainingConfig config;
            try { config = ToConfig(); }
            catch (UserError e) { return ValidationResult.Error(e.Message); }  // an option naming no value of its enum
            var problem = config.Validate();
            return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
        }

        /// <summary>The preprocessing the options ask for, over the architecture's default; null when no option is given.</summary>
        private Preprocessing? InputPreprocessing()
        {
            if (ChannelOrder is null && PixelScale is null && Mean is null && Std is null) return null;
            var p = ModelRegistry.Get(Arch).DefaultPreprocessing;
            return p with
            {
                ChannelOrder = ChannelOrder is null ? p.ChannelOrder : EnumNames.Parse<ChannelOrder>(ChannelOrder, "--channel-order"),
                Scale = PixelScale ?? p.Scale,
                Mean = Mean is null ? p.Mean : ParseTriple(Mean)!,
                Std = Std is null ? p.Std : ParseTriple(Std)!,
            };
        }

        public TrainingConfig ToConfig() => new()
        {
            Architecture = Arch.ToLowerInvariant(),
            Task = EnumNames.Parse<ModelTask>(Task, "--task") == ModelTask.Finding ? ModelTask.Finding : null,
            Epochs = Epochs ?? new TrainingConfig().Epochs,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            Seed = Seed,
            SplitSeed = SplitSeed,
            ValidationFraction = ValFraction,
            SplitBy = SplitBy == "image" ? Persistence.SplitBy.Image : Persistence.SplitBy.Patient,
            Augmentation = NoAugment ? AugmentationOptions.Off
                : new AugmentationOptions(Shear, ShearUnit == "deg" ? AngleUnit.Degrees : AngleUnit.Radians, Zoom, !NoFlip)
                {
                    CropMinArea = CropScale, Brightness = Brightness, Contrast = Contrast, Gamma = Gamma, EraseProbability = Erase,
                    JpegProbability = Jpeg, JpegMinQuality = JpegMinQuality,
                },
            ClassWeights = !NoClassWeights,
            PerImageStandardize = Normalize is null ? null : Normalize == "per-image",
            BackboneLrScale = BackboneLrScale,
            LayerLrDecay = LayerLrDecay,
            WeightDecay = WeightDecay,
            Schedule = EnumNames.Parse<LearningRateSchedule>(Schedule, "--schedule"),
            WarmupEpochs = Warmup,
            CenterCrop = CenterCrop,
            ThresholdRule = Persistence.ThresholdRule.Parse(ThresholdRule ?? Persistence.ThresholdRule.Youden.Name, "--threshold-rule"),
            WeightsPrecision = EnumNames.Parse<WeightsPrecision>(WeightsPrecision, "--weights-precision"),
            InitFrom = Init is null ? null : Path.GetFullPath(Init),
            EarlyStoppingPatience = Patience,
            ReduceLrPatience = LrPatience,
            ReduceLrFactor = LrFactor,
            EmaDecay = Ema,
            TestTimeAugmentation = EnumNames.Parse<TestTimeAugmentation>(Tta, "--tta"),
            LimitPerClass = Limit,
            AugmentationPool = AugmentationPool,
            Precision = EnumNames.Parse<Precision>(Precision, "--precision"),
            Backbone = Backbone is null ? null : new BackboneSpec(Backbone, BackboneInput, BackboneOutput).WithHash(),
            Input = InputPreprocessing(),
            Threads = Threads,
        };
    }

    private static double[]? ParseTriple(string text)
    {
        var parts = text.Split(',');
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])) return null;
        return values.Length == 3 ? values : null;
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        ProgressDisplay.Run(Terminal, display => Train(settings, new ConsoleProgress(Console, display), cancellation));
        return Task.FromResult(ExitCodes.Success);
    }

    private Persistence.ModelMetadata Train(Settings settings, ConsoleProgress progress, CancellationToken cancellation)
    {
        if (settings.Resume is not null)
        {
            return TrainingRun.Resume(settings.Resume, [progress], cancellation, settings.Threads > 0 ? settings.Threads : null, settings.Epochs,
                                                settings.WeightsPrecision == "fp32" ? null : EnumNames.Parse<WeightsPrecision>(settings.WeightsPrecision, "--weights-precision"),
                                                settings.ThresholdRule is null ? null : ThresholdRule.Parse(settings.ThresholdRule, "--threshold-rule"));
        }
        var root = DataRoot.Resolve(settings.Data);
        Line($"data: {root}");
        return TrainingRun.Start(settings.ToConfig(), root, settings.Out!, CommandLine(), [progress], cancellation);
    }
}
