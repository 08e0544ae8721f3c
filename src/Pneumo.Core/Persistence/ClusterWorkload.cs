namespace Pneumo.Persistence;

/// <summary>What a cluster run fans out: the folds of a cross-validation, training runs (seeds, recipes), or shards of a prediction.</summary>
public enum ClusterWorkload
{
    /// <summary>One task per fold (<c>fold-K</c>), merged into <c>cv.json</c> as <c>pneumo cv</c> does.</summary>
    Cv,

    /// <summary>One task per training run (<c>seed-S</c>), then an ensemble of them.</summary>
    Train,

    /// <summary>One task per shard of the inputs (<c>shard-K</c>), merged into one CSV in input order.</summary>
    Predict,
}
