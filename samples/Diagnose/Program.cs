// Diagnoses one chest X-ray with a Pneumo model directory: dotnet run -- MODEL_DIR IMAGE [HEATMAP.png]
using Pneumo.Diagnosis;

if (args.Length is < 2 or > 3) { Console.Error.WriteLine("usage: Diagnose MODEL_DIR IMAGE [HEATMAP.png]"); return 2; }
try
{
    using var classifier = PneumoClassifier.Load(args[0]);
    var result = classifier.Diagnose(args[1], explain: args.Length == 3);
    Console.WriteLine($"{result.Decision}: probability of pneumonia {result.Probability:F3} (threshold {result.Threshold:F3}, rule {result.ThresholdMethod})");
    if (result.Warning is { } warning) Console.WriteLine($"warning: {warning}");
    if (result.HeatmapPng is { } png) File.WriteAllBytes(args[2], png);
    return 0;
}
catch (Exception e) when (e is Pneumo.UserError or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
