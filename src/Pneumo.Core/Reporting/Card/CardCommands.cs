namespace Pneumo.Reporting.Card;

/// <summary>The commands that fill a card's missing sections, for the model as the user named it.</summary>
/// <param name="Model">The model directory as given to <c>pneumo report --model</c>.</param>
/// <param name="Name">The directory's name, used in the suggested output folders.</param>
public sealed record CardCommands(string Model, string Name)
{
    public string EvaluateTest => $"pneumo evaluate --model {Model} --split test --out results/{Name}";

    public string Audit(string split) => $"pneumo audit --model {Model} --split {split} --out results/audit/{Name}-{split}";

    public string Calibrate => $"pneumo calibrate --model {Model}";
}
