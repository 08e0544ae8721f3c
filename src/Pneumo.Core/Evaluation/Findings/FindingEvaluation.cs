using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Evaluation.Findings;

/// <summary>
/// The measures of a model of several classes (the finding task): confusion matrix, accuracy, macro and weighted F1,
/// Cohen's kappa, one-vs-rest AUC per class, and bacterial vs viral among the pneumonia images. Pure functions of the
/// true classes and the class probabilities.
/// </summary>
public static class FindingEvaluation
{
    /// <summary>The class index of BACTERIAL and VIRAL (after NORMAL, 0).</summary>
    public const int Bacterial = 1, Viral = 2;

    /// <summary>Every measure with its percentile bootstrap interval (images resampled with replacement, seeded).</summary>
    /// <exception cref="ArgumentException">Not one probability vector of the classes' length per image, or a class out of range.</exception>
    /// <remarks>
    /// With the model's <paramref name="referral"/>, bacterial vs viral also reports <c>referred</c> (the share of the
    /// pneumonia images whose kind the model refers) and <c>accuracy_decided</c> (the accuracy among the others).
    /// </remarks>
    public static FindingMetrics Compute(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classes,
                                         int resamples = Bootstrap.DefaultResamples, int seed = 4, double level = 0.95, FindingReferral? referral = null)
    {
        Check(truth, probabilities, classes.Count);
        var estimate = Measures(truth, probabilities, classes, referral);
        var samples = estimate.Keys.ToDictionary(k => k, _ => new List<double>(resamples));
        var random = new Random(seed);
        int n = truth.Count;
        var t = new int[n];
        var p = new double[n][];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = random.Next(n);
                t[i] = truth[k];
                p[i] = probabilities[k];
            }
            foreach (var (name, value) in Measures(t, p, classes, referral))
                if (double.IsFinite(value)) samples[name].Add(value);
        }
        var intervals = estimate.ToDictionary(e => e.Key, e => Bootstrap.Interval(e.Value, samples[e.Key], level));
        var pneumonia = Enumerable.Range(0, n).Where(i => truth[i] is Bacterial or Viral).ToList();
        return new FindingMetrics(classes, Confusion(truth, probabilities, classes.Count),
                                  intervals.Where(e => !e.Key.StartsWith(BacterialPrefix, StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value),
                                  intervals.Where(e => e.Key.StartsWith(BacterialPrefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[BacterialPrefix.Length..], e => e.Value),
                                  pneumonia.Count);
    }

    private const string BacterialPrefix = "bvv_";

    /// <summary>The most probable class of each image (the first on a tie).</summary>
    public static int Predicted(double[] probabilities)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++) if (probabilities[c] > probabilities[best]) best = c;
        return best;
    }

    /// <summary>Images by true class (rows) and predicted class (columns).</summary>
    public static int[][] Confusion(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, int classes)
    {
        var m = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (int i = 0; i < truth.Count; i++) m[truth[i]][Predicted(probabilities[i])]++;
        return m;
    }

    /// <summary>Cohen's kappa of a confusion matrix: (observed agreement - chance agreement) / (1 - chance agreement).</summary>
    public static double Kappa(int[][] m)
    {
        double n = m.Sum(r => r.Sum());
        if (n == 0) return double.NaN;
        double observed = Enumerable.Range(0, m.Length).Sum(c => m[c][c]) / n;
        double chance = Enumerable.Range(0, m.Length).Sum(c => m[c].Sum() / n * m.Sum(r => r[c]) / n);
        return chance >= 1 ? double.NaN : (observed - chance) / (1 - chance);
    }

    /// <summary>Each class's F1 (2 TP / (2 TP + FP + FN); 0 when the class is neither present nor predicted).</summary>
    public static double[] F1PerClass(int[][] m) => Enumerable.Range(0, m.Length).Select(c =>
    {
        double tp = m[c][c], fn = m[c].Sum() - tp, fp = m.Sum(r => r[c]) - tp;
        return tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
    }).ToArray();

    /// <summary>The bacterial-vs-viral score of an image: P(bacterial) / (P(bacterial) + P(viral)); 0.5 when both are 0.</summary>
    public static double BacterialScore(double[] probabilities)
    {
        double sum = probabilities[Bacterial] + probabilities[Viral];
        return sum > 0 ? probabilities[Bacterial] / sum : 0.5;
    }

    /// <summary>The likelier kind of pneumonia of an image: <see cref="Bacterial"/> when <see cref="BacterialScore"/> is at least 0.5, else <see cref="Viral"/>.</summary>
    public static int LikelyKind(double[] probabilities) => BacterialScore(probabilities) >= 0.5 ? Bacterial : Viral;

    /// <summary>Every measure's point value on one sample (NaN where undefined: an AUC without both sides).</summary>
    private static Dictionary<string, double> Measures(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classes,
                                                       FindingReferral? referral)
    {
        var m = Confusion(truth, probabilities, classes.Count);
        int n = truth.Count;
        var support = m.Select(r => (double)r.Sum()).ToArray();
        var f1 = F1PerClass(m);
        var result = new Dictionary<string, double>
        {
            ["accuracy"] = n == 0 ? double.NaN : Enumerable.Range(0, m.Length).Sum(c => m[c][c]) / (double)n,
            ["macro_f1"] = f1.Average(),
            ["weighted_f1"] = n == 0 ? double.NaN : f1.Select((f, c) => f * support[c]).Sum() / n,
            ["kappa"] = Kappa(m),
        };
        for (int c = 0; c < classes.Count; c++)
            result[$"auc_{classes[c].ToLowerInvariant()}"] = RocCurve.Compute(truth.Select(t => t == c ? 1 : 0).ToList(), probabilities.Select(p => p[c]).ToList()).Auc;

        var labels = new List<int>();
        var scores = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (truth[i] is not (Bacterial or Viral)) continue;
            labels.Add(truth[i] == Bacterial ? 1 : 0);
            scores.Add(BacterialScore(probabilities[i]));
        }
        var counts = ConfusionMatrix.At(labels, scores, 0.5);
        int bacterial = counts.Tp + counts.Fn, viral = counts.Tn + counts.Fp;
        result[BacterialPrefix + "accuracy"] = labels.Count == 0 ? double.NaN : (counts.Tp + counts.Tn) / (double)labels.Count;
        result[BacterialPrefix + "sensitivity"] = bacterial == 0 ? double.NaN : counts.Tp / (double)bacterial;
        result[BacterialPrefix + "specificity"] = viral == 0 ? double.NaN : counts.Tn / (double)viral;
        result[BacterialPrefix + "auc"] = labels.Count == 0 ? double.NaN : RocCurve.Compute(labels, scores).Auc;
        if (referral is not null)
        {
            int referred = 0, decided = 0, right = 0;
            for (int i = 0; i < n; i++)
            {
                if (truth[i] is not (Bacterial or Viral)) continue;
                int likely = LikelyKind(probabilities[i]);
                if (referral.RefersKind(probabilities[i], likely)) { referred++; continue; }
                decided++;
                if (likely == truth[i]) right++;
            }
            result[BacterialPrefix + "referred"] = labels.Count == 0 ? double.NaN : referred / (double)labels.Count;
            result[BacterialPrefix + "accuracy_decided"] = decided == 0 ? double.NaN : right / (double)decided;
        }
        return result;
    }

    private static void Check(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, int classes)
    {
        if (truth.Count != probabilities.Count) throw new ArgumentException($"{truth.Count} classes but {probabilities.Count} probability vectors");
        for (int i = 0; i < truth.Count; i++)
        {
            if (truth[i] < 0 || truth[i] >= classes) throw new ArgumentException($"class {truth[i]} of image {i} is not one of the {classes} classes");
            if (probabilities[i].Length != classes || probabilities[i].Any(p => !double.IsFinite(p)))
                throw new ArgumentException($"image {i}: not {classes} finite class probabilities");
        }
    }
}
