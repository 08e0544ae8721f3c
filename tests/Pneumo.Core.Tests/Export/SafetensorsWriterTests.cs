using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pneumo.Export;
using Pneumo.Models;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Export;

public class SafetensorsWriterTests
{
    [Fact]
    public void WritesEveryStateDictTensorUnderItsPyTorchName()
    {
        manual_seed(8);
        using var model = new SzaNet(64);
        using var dir = new TempDir();
        var path = dir.Combine("w.safetensors");
        SafetensorsWriter.Write(path, model.state_dict(), new Dictionary<string, string> { ["architecture"] = "szanet" });

        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' '));
        var root = header.RootElement;
        Assert.Equal("szanet", root.GetProperty("__metadata__").GetProperty("architecture").GetString());
        int dataStart = 8 + headerLength;
        long end = 0;
        foreach (var (name, tensor) in model.state_dict())
        {
            var entry = root.GetProperty(name);
            Assert.Equal(tensor.shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            var range = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            end = Math.Max(end, range[1]);
            var data = bytes.AsSpan(dataStart + range[0], range[1] - range[0]);
            if (tensor.dtype == ScalarType.Float32)
            {
                Assert.Equal("F32", entry.GetProperty("dtype").GetString());
                var values = new float[data.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                Assert.Equal(tensor.data<float>().ToArray(), values);
            }
            else
            {
                Assert.Equal("I64", entry.GetProperty("dtype").GetString()); // num_batches_tracked
                Assert.Equal(tensor.item<long>(), BinaryPrimitives.ReadInt64LittleEndian(data));
            }
        }
        Assert.Equal(bytes.Length, dataStart + end);
        Assert.True(root.TryGetProperty("conv1.weight", out _));
        Assert.True(root.TryGetProperty("bn2.running_mean", out _));
        Assert.True(root.TryGetProperty("fc1.bias", out _));
    }
}
