using System.Diagnostics;
using Pneumo.Diagnosis;
using Pneumo.Imaging;
using Pneumo.Inference;

string dir = args[0], path = args[1];
using var model = ModelDirectory.Load(dir);
using var scorer = OnnxScorer.For(model, threads: 2, int8: true);
var decoder = new ImageDecoder(224);
var image = decoder.Decode(File.ReadAllBytes(path), path);
double Median(Func<double> f) { for (int i = 0; i < 5; i++) f(); var v = Enumerable.Range(0, 30).Select(_ => f()).OrderBy(x => x).ToList(); return v[15]; }
double Time(Action a) { var c = Stopwatch.StartNew(); a(); return c.Elapsed.TotalMilliseconds; }
Console.WriteLine($"decode to 224: {Median(() => Time(() => decoder.Decode(File.ReadAllBytes(path), path))):F1} ms");
Console.WriteLine($"int8 Score(image): {Median(() => Time(() => scorer.Score([image]))):F1} ms");
Console.WriteLine($"int8 Score(image, features): {Median(() => Time(() => scorer.Score(image, features: true))):F1} ms");
using var diagnoser = Diagnoser.Load([dir], engine: InferenceEngine.OnnxRuntimeInt8, threads: 2);
Console.WriteLine($"Diagnose (no explanation): {Median(() => Time(() => diagnoser.Diagnose(path, explain: false))):F1} ms");
