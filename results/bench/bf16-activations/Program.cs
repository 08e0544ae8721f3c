// The bound bf16 (or fp32) training step of resnet18-full, in one process: a batch of 32 random 224x224 images, forward,
// binary cross-entropy, backward, AdamW; 2 warm-up steps, then the median of N steps. Build it against two checkouts
// (before / after, -p:CoreDir=...) and run them alternately: see README.md.
using System.Diagnostics;
using Pneumo.Models;
using Pneumo.Models.ResNet;
using static TorchSharp.torch;

string precision = args.Length > 0 ? args[0] : "bf16";
int steps = args.Length > 1 ? int.Parse(args[1]) : 6;
manual_seed(1);
using var model = ModelRegistry.Get(ResNetTransfer.FullName).BuildForLoading(224);
model.MixedPrecision = precision == "bf16";
model.train();
var optimizer = optim.AdamW(model.parameters(), 5e-5);
var x = rand(32, 3, 224, 224).mul(255);
var y = randint(0, 2, [32]).to_type(ScalarType.Float32);
var times = new List<double>();
for (int i = 0; i < steps + 2; i++)
{
    using var scope = NewDisposeScope();
    var clock = Stopwatch.StartNew();
    optimizer.zero_grad();
    var loss = nn.functional.binary_cross_entropy_with_logits(model.call(x).reshape(32), y);
    loss.backward();
    optimizer.step();
    if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
}
times.Sort();
double median = times[times.Count / 2];
Console.WriteLine($"{precision}: median step {median:F0} ms = {32000 / median:F1} img/s (fastest {times[0]:F0} ms)");
