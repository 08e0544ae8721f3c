namespace Pneumo.Persistence;

/// <summary>
/// Every file and folder name Pneumo writes, in one place: the layout of model directories, training runs, evaluations,
/// cross-validations, pruning sweeps, audits, studies and reports.
/// </summary>
public static class FileNames
{
    // A model directory (a finished training run is one).
    public const string ModelMetadata = "model.json";
    public const string Weights = "weights.pt";
    public const string ValidationPredictions = "validation_predictions.csv";
    /// <summary>Validation predictions under each acquisition perturbation (the <c>perturbed</c> threshold rule's data).</summary>
    public const string PerturbedValidationPredictions = "validation_perturbed.csv";
    public const string Split = "split.csv";

    // A training run.
    public const string Run = "run.json";
    public const string State = "state.json";
    public const string BestWeights = "best.pt";
    public const string History = "history.csv";
    public const string Checkpoints = "checkpoints";
    public const string CheckpointWeights = "weights.pt";
    public const string CheckpointOptimizer = "optimizer.pt";
    public const string CheckpointAverage = "average.pt";
    public const string CheckpointManifest = "manifest.json";

    /// <summary>The folder (relative to the run) of epoch <paramref name="epoch"/>'s checkpoint.</summary>
    public static string Checkpoint(int epoch) => $"{Checkpoints}/epoch-{epoch:D3}";

    // An evaluation (pneumo evaluate).
    public const string Metrics = "metrics.json";
    public const string Predictions = "predictions.csv";
    /// <summary>An evaluation's reliability diagram (and the study report's, in its figures).</summary>
    public const string ReliabilityFigure = "reliability.png";
    /// <summary>A finding model's evaluation: its 3x3 confusion matrix.</summary>
    public const string FindingsConfusionFigure = "findings_confusion.png";
    /// <summary>A finding model's evaluation: each class against the rest, and bacterial against viral among the pneumonia images.</summary>
    public const string FindingsRocFigure = "findings_roc.png";

    // A cross-validation.
    public const string CrossValidationSettings = "cv-settings.json";
    public const string CrossValidationSummary = "cv.json";
    public const string CrossValidationTable = "cv.md";
    /// <summary>The test evaluation inside a model directory.</summary>
    public const string Test = "test";
    public const string OutOfFold = "out-of-fold";
    public const string Ensemble = "ensemble";

    /// <summary>The run folder of fold <paramref name="fold"/> (0-based): <c>fold-1</c>, <c>fold-2</c>, ...</summary>
    public static string Fold(int fold) => $"fold-{fold + 1}";

    // A cluster run (pneumo cluster): the plan, the job scripts and their logs at the top; per task one unit folder
    // (fold-K, seed-S, shard-K) holding the task's record; the merged results at the top.
    public const string ClusterPlan = "cluster.json";
    public const string ClusterScripts = "slurm";
    public const string ClusterLogs = "slurm/logs";
    public const string ClusterTaskScript = "tasks.sbatch";
    public const string ClusterMergeScript = "merge.sbatch";
    public const string ClusterTask = "cluster-task.json";
    /// <summary>The folder a task locks (inside its unit folder) while it runs, so a second copy of the task stops at once.</summary>
    public const string ClusterTaskLock = ".cluster-task";
    public const string ClusterMerge = "cluster-merge.json";
    /// <summary>A sharded prediction's input list, one path a line, in the order the merged results follow.</summary>
    public const string ClusterInputs = "inputs.txt";
    /// <summary>A sharded prediction's bad files: path, code, message.</summary>
    public const string ClusterFailures = "failures.csv";
    /// <summary>A training member of a cluster run: <c>seed-S</c>, or <c>recipe-R-seed-S</c> with several recipes (R 1-based).</summary>
    public static string Member(int seed, int? recipe) => recipe is int r ? $"recipe-{r}-seed-{seed}" : $"seed-{seed}";
    /// <summary>Shard <paramref name="shard"/> (1-based) of a sharded prediction: <c>shard-1</c>, <c>shard-2</c>, ...</summary>
    public static string Shard(int shard) => $"shard-{shard}";

    // A pruning sweep.
    public const string PruningSummary = "summary.json";
    public const string PruningTable = "pruning.csv";
    public const string PruningMarkdown = "pruning.md";
    public const string PruningPlot = "pruning.png";
    public const string PruningPredictions = "predictions";
    public const string PrunedModelPrefix = "model-";

    // An audit.
    public const string Audit = "audit.json";
    public const string AuditRows = "audit.csv";
    public const string AuditMarkdown = "audit.md";
    public const string AuditMeanMap = "cam-mean.png";
    public const string AuditGroupFigure = "group-accuracy.png";

    // A study.
    public const string Study = "study.json";
    public const string StudyData = "data";
    public const string StudyDataSummary = "data.json";
    public const string StudyRuns = "runs";
    public const string StudyPruning = "pruning";
    public const string StudyCrossValidation = "cv";
    public const string StudyReport = "report";

    // The decoded-image store (Data/ImageStore): a folder in the user cache folder, one file per set of images.
    public const string ImageStoreFolder = "pneumo/images";
    public const string ImageStoreExtension = ".pxs";

    // Built int8 graphs (Inference/Int8/Int8GraphCache): a folder in the user cache folder, one KEY.onnx per graph.
    public const string GraphCacheFolder = "pneumo/graphs";

    // A report (pneumo report).
    public const string ReportMarkdown = "report.md";
    public const string ReportHtml = "report.html";
    public const string ReportSummary = "summary.json";
    public const string ReportFigures = "figures";
    /// <summary>The report's copies of every entry's per-image test predictions (and out-of-fold predictions), so its numbers can be recomputed.</summary>
    public const string ReportPredictions = "predictions";
    public const string ClassDistributionFigure = "class-distribution.png";
    public const string ExamplesFigure = "examples.png";

    // A model card (pneumo report --model).
    public const string ModelCardMarkdown = "MODEL_CARD.md";
    public const string ModelCardHtml = "MODEL_CARD.html";
}
