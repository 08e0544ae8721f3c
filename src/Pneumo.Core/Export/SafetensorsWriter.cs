using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Pneumo.Inference;
using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Export;

/// <summary>Writes tensors in the safetensors format (Hugging Face): weights only, loadable by PyTorch and others.</summary>
/// <remarks>
/// Layout: an 8-byte little-endian header length, a JSON header mapping each name to its dtype, shape and byte range
/// (plus string-valued <c>__metadata__</c>), padded with spaces to a multiple of 8, then the tensors' bytes, row-major,
/// little-endian, in name order. A model's tensors are its state dict, under PyTorch's names (<c>conv1.weight</c>,
/// <c>bn1.running_mean</c>, ...).
/// </remarks>
public static class SafetensorsWriter
{
    /// <summary>Writes a model's state dict, with its architecture, threshold and preprocessing as metadata.</summary>
    public static void Export(ModelDirectory model, string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["architecture"] = model.Metadata.Architecture,
            ["threshold"] = model.Metadata.Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["preprocessing"] = Json.SerializeCompact(model.Metadata.Preprocessing),
            ["weights_version"] = model.Version,
        };
        Write(path, model.Model.state_dict(), metadata);
    }

    /// <summary>Writes named tensors (float32/64, int64/32, uint8, bool) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var blobs = ordered.Select(t => Bytes(t.Value)).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            var (name, tensor) = ordered[i];
            header[name] = new { dtype = DType(tensor.dtype, name), shape = tensor.shape, data_offsets = new[] { offset, offset + blobs[i].Length } };
            offset += blobs[i].Length;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header, Json.CompactOptions));
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    private static string DType(ScalarType type, string name) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"{name}: tensor type {type} cannot be written to safetensors here"),
    };

    private static byte[] Bytes(Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian");
        using var scope = NewDisposeScope(); // the temporaries live until the bytes are copied
        var t = tensor.detach().cpu().contiguous();
        return t.dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray(),
            ScalarType.Float64 => MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray(),
            ScalarType.Int32 => MemoryMarshal.AsBytes(t.data<int>().ToArray().AsSpan()).ToArray(),
            ScalarType.Byte => t.data<byte>().ToArray(),
            ScalarType.Bool => t.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray(),
            _ => throw new NotSupportedException($"tensor type {t.dtype}"),
        };
    }
}
