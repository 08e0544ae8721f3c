namespace Pneumo.Models;

/// <summary>Trainable parameters that share a learning rate; <see cref="Depth"/> 0 = the head, 1, 2, ... = pretrained layers from the head towards the input.</summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<TorchSharp.Modules.Parameter> Parameters, int Depth);
