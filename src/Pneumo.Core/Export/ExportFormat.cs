namespace Pneumo.Export;

/// <summary>The portable formats a model can be exported to.</summary>
public enum ExportFormat
{
    /// <summary>The whole inference graph (preprocessing, network, sigmoid) for ONNX Runtime and others.</summary>
    Onnx,

    /// <summary>Weights only, under PyTorch state-dict names.</summary>
    Safetensors,
}
