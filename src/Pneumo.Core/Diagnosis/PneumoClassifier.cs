namespace Pneumo.Diagnosis;

/// <summary>
/// The library's front door: load a model directory, diagnose chest X-rays (JPEG, PNG; DICOM where the DICOM worker and
/// GDCM are installed beside the program) and get the answer the command line and the web service give, with the
/// Grad-CAM overlay as PNG bytes on request.
/// </summary>
/// <remarks>
/// <para>
/// A thin facade over <see cref="Diagnoser"/> (the one inference service behind <c>pneumo predict</c> and
/// <c>pneumo serve</c>): one model directory (a folder with <c>model.json</c> and <c>weights.pt</c>, an ensemble's
/// too), the TorchSharp engine, the default limits. Use <see cref="Diagnoser"/> for several models, ONNX Runtime or
/// other limits.
/// </para>
/// <code>
/// using var classifier = PneumoClassifier.Load("models/resnet18-full");
/// var result = classifier.Diagnose("xray.jpeg", explain: true);
/// Console.WriteLine($"{result.Decision} {result.Probability:F3} (threshold {result.Threshold:F3}, {result.ThresholdMethod})");
/// if (result.HeatmapPng is { } png) File.WriteAllBytes("xray.heatmap.png", png);
/// </code>
/// <para>Thread-safe; dispose it to free the network's native memory.</para>
/// </remarks>
public sealed class PneumoClassifier : IDisposable
{
    private readonly Diagnoser diagnoser;

    private PneumoClassifier(Diagnoser diagnoser) => this.diagnoser = diagnoser;

    /// <summary>Loads the model in <paramref name="modelDirectory"/>, checking its weights against <c>model.json</c>.</summary>
    /// <exception cref="InvalidDataException">The folder is not a loadable model directory; the message names it.</exception>
    public static PneumoClassifier Load(string modelDirectory) => new(Diagnoser.Load([modelDirectory]));

    /// <summary>The loaded model: name, architecture, threshold and its rule, input size, provenance.</summary>
    public ModelInfo Model => diagnoser.Models[0];

    /// <summary>The decision threshold on the probability of PNEUMONIA (chosen on the model's validation data).</summary>
    public double Threshold => diagnoser.Threshold;

    /// <summary>Diagnoses the image file at <paramref name="path"/>.</summary>
    /// <param name="path">A JPEG, PNG or DICOM file (by content; a DICOM file without the Part 10 preamble by its .dcm name).</param>
    /// <param name="explain">Also compute the Grad-CAM explanation (<see cref="ImageDiagnosis.HeatmapPng"/>); slower.</param>
    /// <exception cref="DataException">
    /// Missing, unreadable, not an image, corrupt, too large, or a refused DICOM file; the message names the file and
    /// <see cref="UserError.Code"/> says which.
    /// </exception>
    public ImageDiagnosis Diagnose(string path, bool explain = false) => ImageDiagnosis.From(diagnoser.Diagnose(path, explain));

    /// <summary>Diagnoses the encoded image read from <paramref name="image"/> to its end.</summary>
    /// <param name="image">The bytes of a JPEG, PNG or DICOM file.</param>
    /// <param name="name">Names the image in error messages (and marks a preamble-less DICOM file by its .dcm ending).</param>
    /// <param name="explain">Also compute the Grad-CAM explanation (<see cref="ImageDiagnosis.HeatmapPng"/>); slower.</param>
    /// <exception cref="DataException">Not an image, corrupt, too large, or a refused DICOM file; the message names <paramref name="name"/>.</exception>
    public ImageDiagnosis Diagnose(Stream image, string name = "image", bool explain = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new MemoryStream();
        image.CopyTo(buffer);
        return ImageDiagnosis.From(diagnoser.Diagnose(buffer.ToArray(), name, explain));
    }

    public void Dispose() => diagnoser.Dispose();
}
