using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

// The settings that take one of a few named values. Their names (in model.json, run.json and on the command line) are
// the JSON names: snake_case of the member, or the JsonStringEnumMemberName given. EnumNames parses and prints them.

/// <summary>Arithmetic of the training steps' convolutions; evaluation is always float32.</summary>
public enum Precision
{
    /// <summary>float32 throughout.</summary>
    Fp32,
    /// <summary>bfloat16 convolutions, all else float32.</summary>
    Bf16,
}

/// <summary>How a finished model's weights are stored.</summary>
public enum WeightsPrecision
{
    Fp32,
    /// <summary>float16: half the size; the model computes in float32 again after loading.</summary>
    Fp16,
}

/// <summary>Test-time augmentation of a model's predictions.</summary>
public enum TestTimeAugmentation
{
    None,
    /// <summary>The mean probability of the image and its mirror image.</summary>
    [JsonStringEnumMemberName("hflip")] HorizontalFlip,
}

/// <summary>The channel order a model's input expects.</summary>
public enum ChannelOrder
{
    [JsonStringEnumMemberName("RGB")] Rgb,
    [JsonStringEnumMemberName("BGR")] Bgr,
}

/// <summary>How the learning rate changes during training.</summary>
public enum LearningRateSchedule
{
    /// <summary>The paper's: reduced on a validation-loss plateau.</summary>
    Plateau,
    /// <summary>A linear warm-up, then a cosine decay, per step.</summary>
    Cosine,
}
