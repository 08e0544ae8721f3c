// Where the warm int8 session call of a model goes, per ONNX Runtime operator (its own profiler), and its median time:
//   dotnet build -c Release -o out && dotnet out/Profile.dll MODEL IMAGE save && dotnet out/Profile.dll MODEL IMAGE profile
// "save" builds the int8 graph as predict --engine onnx-int8 runs it (the model's int8.json) and keeps it in int8.onnx;
// "time" only times 30 calls after 5 warm-up calls; ONNX Runtime on 2 threads, as predict on this machine.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Inference.Int8;

string dir = args[0], path = args[1];
string mode = args.Length > 2 ? args[2] : "profile";
using var model = ModelDirectory.Load(dir, null, deferNetwork: true);
var ranges = Int8Ranges.Load(model);
var bytes = File.Exists("int8.onnx") ? File.ReadAllBytes("int8.onnx")
    : Google.Protobuf.MessageExtensions.ToByteArray(Int8Graph.Quantize(InferenceGraph.Build(model.Model, model.Metadata, withFeatures: true), ranges.AsRanges(), out _, out _));
if (mode == "save") { File.WriteAllBytes("int8.onnx", bytes); return; }
var decoder = new ImageDecoder(224);
var image = decoder.Decode(File.ReadAllBytes(path), path);
var input = OnnxScorer.Pixels([image], 224);
var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 2, InterOpNumThreads = 1 };
if (mode == "profile") { so.EnableProfiling = true; so.ProfileOutputPathPrefix = "ort"; }
using var session = new InferenceSession(bytes, so);
string[] outs = [InferenceGraph.ProbabilityName];
for (int i = 0; i < 5; i++) session.Run([input], outs).Dispose();
var times = new List<double>();
for (int i = 0; i < 30; i++) { var c = Stopwatch.StartNew(); session.Run([input], outs).Dispose(); times.Add(c.Elapsed.TotalMilliseconds); }
times.Sort();
Console.WriteLine($"median {times[15]:F1} ms  min {times[0]:F1}");
if (mode != "profile") return;
var file = session.EndProfiling();
using var doc = JsonDocument.Parse(File.ReadAllText(file));
var byOp = new Dictionary<string, double>(); double total = 0; int runs = 0;
foreach (var e in doc.RootElement.EnumerateArray())
{
    if (e.GetProperty("cat").GetString() != "Node") continue;
    var name = e.GetProperty("name").GetString()!;
    if (!name.EndsWith("_kernel_time")) continue;
    var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
    double us = e.GetProperty("dur").GetDouble();
    byOp[op] = byOp.GetValueOrDefault(op) + us; total += us;
}
const int calls = 35;  // every call was profiled, warm-up included
foreach (var (op, us) in byOp.OrderByDescending(p => p.Value)) Console.WriteLine($"{op,-28} {us / calls / 1000,8:F2} ms/call  {100 * us / total,5:F1}%");
Console.WriteLine($"all operators {total / calls / 1000:F2} ms/call");
