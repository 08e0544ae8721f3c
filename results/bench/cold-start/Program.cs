using System.Diagnostics;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Pneumo.Inference;
using Pneumo.Inference.Int8;

var clock = Stopwatch.StartNew();
double last = 0;
void Mark(string what) { double now = clock.Elapsed.TotalMilliseconds; Console.WriteLine($"{what}: {now - last:F0} ms (total {now:F0})"); last = now; }
using var model = ModelDirectory.Load(args[0]);
Mark("ModelDirectory.Load (libtorch start, weights)");
var proto = InferenceGraph.Build(model.Model, model.Metadata, withFeatures: true);
Mark("InferenceGraph.Build");
var bytes = proto.ToByteArray();
Mark($"ToByteArray ({bytes.Length / 1e6:F0} MB)");
using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 2 })
using (var s = new InferenceSession(bytes, o)) Mark("float InferenceSession");
var q = Int8Graph.Quantize(proto, Int8Ranges.Load(model).AsRanges(), out _, out _);
Mark("Int8Graph.Quantize");
var qb = q.ToByteArray();
Mark($"int8 ToByteArray ({qb.Length / 1e6:F0} MB)");
using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 2 })
using (var s = new InferenceSession(qb, o)) Mark("int8 InferenceSession");
using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, IntraOpNumThreads = 2 })
using (var s = new InferenceSession(qb, o)) Mark("int8 InferenceSession, basic optimisations only");
