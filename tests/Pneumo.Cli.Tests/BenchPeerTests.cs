using Pneumo.Bench;
using Pneumo.Bench.Peer;
using Pneumo.Models;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo bench --peer pytorch</c>: the peer's JSON into the report, the ratios, the table, and a missing PyTorch.</summary>
public sealed class BenchPeerTests
{
    private static PeerRun Run(double nchw, double channelsLast, double b1, double b32, bool bf16 = false) =>
        new("pytorch", "1.13.0a0", 2, "szanet", 2_792_833, "Adam",
            [new("nchw", "fp32", 8, nchw), new("channels_last", "fp32", 8, channelsLast), .. bf16 ? new PeerTraining[] { new("channels_last", "bf16", 8, channelsLast * 2) } : []],
            [new("nchw", 1, 24, b1), new("nchw", 32, 96, b32), new("channels_last", 1, 24, b1 / 2), new("channels_last", 32, 96, b32 / 2)]);

    private static List<Measured> Round(double train, double bf16, double onnx1) =>
        [new(PeerComparison.Training, "fp32", 32, train), new(PeerComparison.Training, "bf16", 32, bf16), new(PeerComparison.Inference, "onnxruntime", 1, onnx1)];

    [Fact]
    public void EachRatioIsTheMedianOfTheRoundsPneumoOverThePeersBetterLayoutInThatRound()
    {
        List<List<Measured>> pneumo = [Round(90, 110, 40), Round(100, 120, 44), Round(60, 70, 30)];
        List<PeerRun> peer = [Run(20, 30, 20, 40), Run(20, 25, 22, 40), Run(15, 20, 10, 40)];

        var rows = PeerComparison.Rows("szanet", pneumo, peer);

        // The peer measured no bf16 here: no row for it rather than a comparison with float32.
        Assert.Equal(["training fp32", "inference onnxruntime"], rows.Select(r => r.Measure));
        var train = rows[0];
        Assert.Equal([3.0, 4.0, 3.0], train.RoundRatios);
        Assert.Equal(3.0, train.Ratio);
        Assert.Equal((100, 30, "channels_last"), (train.PneumoBest, train.PeerBest, train.PeerBestLayout));
        Assert.Equal([20.0, 20, 15], train.Peer["nchw"]);
        Assert.Equal([30.0, 25, 20], train.Peer["channels_last"]);
        var infer = rows[1];
        Assert.Equal(1, infer.BatchSize);
        Assert.Equal([2.0, 2.0, 3.0], infer.RoundRatios);
        Assert.Equal(("nchw", 22.0), (infer.PeerBestLayout, infer.PeerBest));

        var withBf16 = PeerComparison.Rows("szanet", pneumo, [Run(20, 30, 20, 40, bf16: true), Run(20, 25, 22, 40, bf16: true), Run(15, 20, 10, 40, bf16: true)]);
        var bf16Row = withBf16.Single(r => r.Measure == "training bf16");
        Assert.Equal([110 / 60.0, 120 / 50.0, 70 / 40.0], bf16Row.RoundRatios, (a, b) => Math.Abs(a - b) < 1e-3);
        Assert.Equal(["channels_last"], bf16Row.Peer.Keys);

        var markdown = BenchFiles.PeerMarkdown(new PeerReport
        {
            Name = PytorchPeer.Name, Version = "1.13.0a0", Python = "/usr/bin/python3", Script = "peer/pytorch_bench.py", Threads = 2,
            Models = [new("szanet", 2_792_833, 2_792_833, "Adam")], Rows = rows,
        });
        Assert.Contains("## Beside PyTorch 1.13.0a0", markdown);
        Assert.Contains("| szanet | training fp32 | 32 | 100.0 | 20.0 / **30.0** | **3.00x** | 90.0 / 30.0; 100.0 / 25.0; 60.0 / 20.0 |", markdown);
        Assert.Contains("2,792,833 trainable parameters in Pneumo, 2,792,833 in PyTorch; Adam", markdown);
    }

    [SkippableFact]
    public void ThePeersJsonIsReadFromTheLastLineItPrintsAndItsSettingsArePassed()
    {
        Skip.IfNot(File.Exists("/bin/sh"), "needs /bin/sh for a fake interpreter");
        using var dir = new TempDir();
        // A fake interpreter: says PyTorch imports, and prints a warning, then the result with the arguments it was given as the version.
        var python = dir.Combine("python3");
        File.WriteAllText(python, """
            #!/bin/sh
            [ "$1" = "-c" ] && exit 0
            shift
            echo "a warning on stdout"
            echo "{\"peer\": \"pytorch\", \"version\": \"$*\", \"threads\": 2, \"arch\": \"szanet\", \"parameters\": 5, \"optimizer\": \"AdamW\", \"gomp_spincount\": \"$GOMP_SPINCOUNT\", \"training\": [{\"layout\": \"nchw\", \"precision\": \"fp32\", \"steps\": 8, \"images_per_second\": 21.5}], \"inference\": []}"
            """.Replace("\r", ""));
        File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = dir.Combine("pytorch_bench.py");
        File.WriteAllText(script, "");
        var peer = new PytorchPeer(python, script);

        Assert.Null(peer.Unavailable());
        var arguments = PytorchPeer.Arguments("resnet18-full", 2, 32, 224, 2, 3, StepRecipe.For("resnet18-full"), [1.9445, 0.6731], bf16: true, seed: 42);
        var run = peer.Run(arguments);

        Assert.Equal(("szanet", 5L, "AdamW"), (run.Arch, run.Parameters, run.Optimizer));
        Assert.Equal(21.5, run.Training.Single().ImagesPerSecond);
        Assert.Contains("--arch resnet18-full --threads 2 --batch-size 32 --size 224 --steps 2", run.Version);
        Assert.Contains("--weight-decay 0.01 --ema-decay 0.995 --class-weights 1.9445,0.6731 --precisions fp32,bf16", run.Version);
        if (Pneumo.Runtime.OpenMpSpinning.SetByPneumo) Assert.Equal($"{Pneumo.Runtime.OpenMpSpinning.PneumoSpinCount}", run.GompSpincount);

        File.WriteAllText(python, "#!/bin/sh\necho 'Traceback: out of memory' >&2\nexit 1\n");
        var failure = Assert.Throws<InvalidOperationException>(() => peer.Run(arguments));
        Assert.Contains("exited with code 1: Traceback: out of memory", failure.Message);
    }

    [Fact]
    public void WithoutPyTorchThePeerIsOneSkippedLineAndTheBenchGoesOn()
    {
        var lines = new List<string>();
        var options = new BenchOptions { DataRoot = "unused", Peer = PytorchPeer.Name, PeerPython = "/nonexistent/python3", PeerScript = PytorchPeer.DefaultScript };
        Assert.True(File.Exists(PytorchPeer.DefaultScript), $"{PytorchPeer.DefaultScript} is copied beside the program");

        var (peer, report) = Bench.Bench.StartPeer(options, 2, lines.Add, default);

        Assert.Null(peer);
        Assert.Equal(["peer pytorch: skipped (python3-torch not installed: apt-get install python3-torch)"], lines);
        Assert.Equal(PytorchPeer.NotInstalled, report!.Skipped);
        Assert.Contains("Skipped: python3-torch not installed", BenchFiles.PeerMarkdown(report));
        Assert.Equal((null, null), Bench.Bench.StartPeer(options with { Peer = null }, 2, lines.Add, default));
    }

    [SkippableTheory]
    [InlineData("szanet")]
    [InlineData("resnet18-full")]
    public void ThePyTorchModelHasPneumosParameterCount(string arch)
    {
        var peer = new PytorchPeer(PytorchPeer.DefaultPython, PytorchPeer.DefaultScript);
        Skip.If(peer.Unavailable() is not null, "python3-torch is not installed");
        var run = peer.Run(["--arch", arch, "--threads", "1", "--describe"]);
        using var model = ModelRegistry.Get(arch).Build(224);
        Assert.Equal(model.TrainableParameterCount(), run.Parameters);
    }
}
