using System.Text.Json.Serialization;
using Pneumo.Diagnosis;

namespace Pneumo.Cli.Commands;

/// <summary>One scored image as <c>predict</c> prints it: the <see cref="Prediction"/> contract plus what only the command line has.</summary>
/// <remarks>
/// Every field of <see cref="Prediction"/> is the one <c>POST /api/predict</c> answers for the same image and models
/// (tested field for field). The command line adds <see cref="Path"/>, the input as given (first in JSON), and
/// <see cref="Heatmap"/>, the overlay file written with <c>--explain</c> (last).
/// </remarks>
public sealed record ImagePrediction : Prediction
{
    public ImagePrediction(string path, Prediction prediction, string? heatmap) : base(prediction)
    {
        Path = path;
        Heatmap = heatmap;
    }

    [JsonPropertyOrder(-1)]
    public string Path { get; }

    [JsonPropertyOrder(1)]
    public string? Heatmap { get; }
}
