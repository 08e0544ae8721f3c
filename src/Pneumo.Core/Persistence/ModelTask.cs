namespace Pneumo.Persistence;

/// <summary>The question a model answers; recorded in <c>model.json</c> (absent = <see cref="Pneumonia"/>).</summary>
public enum ModelTask
{
    /// <summary>NORMAL or PNEUMONIA: one logit, its sigmoid the probability of pneumonia (the study's task).</summary>
    Pneumonia,
    /// <summary>NORMAL, BACTERIAL or VIRAL (the finding in the file name): three logits and their softmax; P(pneumonia) = P(bacterial) + P(viral).</summary>
    Finding,
}

/// <summary>The classes of each <see cref="ModelTask"/>.</summary>
public static class ModelTasks
{
    /// <summary>The display names of the finding task's classes, indexed by class.</summary>
    public static readonly IReadOnlyList<string> FindingClassNames = ["NORMAL", "BACTERIAL", "VIRAL"];

    /// <summary>How many outputs the network of a task has: 1 logit for pneumonia, 3 for finding.</summary>
    public static int Outputs(this ModelTask task) => task == ModelTask.Finding ? FindingClassNames.Count : 1;

    /// <summary>How many classes a task tells apart (2 for pneumonia: one logit, two classes).</summary>
    public static int ClassCount(this ModelTask task) => task == ModelTask.Finding ? FindingClassNames.Count : 2;
}
