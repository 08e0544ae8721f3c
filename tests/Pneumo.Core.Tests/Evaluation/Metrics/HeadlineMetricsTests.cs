using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Evaluation.Metrics;

/// <summary>Each registered metric against values computed by hand, and the registry against the persisted record.</summary>
public class HeadlineMetricsTests
{
    // labels:  1    1    1    0    0    0    0    1
    // scores: .9   .8   .4   .7   .2   .1   .5   .6   at 0.5: TP 3, FN 1, FP 2, TN 2.
    // AUC: of the 16 (positive, negative) pairs, the positive scores higher in 13 (.4 loses to .7 and .5; .6 to .7).
    internal static readonly MetricInput Input =
        MetricInput.At([1, 1, 1, 0, 0, 0, 0, 1], [0.9, 0.8, 0.4, 0.7, 0.2, 0.1, 0.5, 0.6], 0.5);

    /// <summary>The keys metrics.json has always had, in its order.</summary>
    private static readonly string[] FileOrder = ["auc", "accuracy", "sensitivity", "specificity", "precision", "f1"];

    [Theory]
    [InlineData(typeof(AucMetric), "auc", 13.0 / 16)]
    [InlineData(typeof(AccuracyMetric), "accuracy", 5.0 / 8)]
    [InlineData(typeof(SensitivityMetric), "sensitivity", 3.0 / 4)]
    [InlineData(typeof(SpecificityMetric), "specificity", 2.0 / 4)]
    [InlineData(typeof(PrecisionMetric), "precision", 3.0 / 5)]
    [InlineData(typeof(F1Metric), "f1", 6.0 / 9)]
    public void EachMetricGivesItsHandComputedValue(Type type, string name, double expected)
    {
        var metric = (IMetric)Activator.CreateInstance(type)!;
        Assert.Equal(name, metric.Name);
        Assert.Equal(expected, metric.Compute(Input), 12);
        Assert.True(metric.IsDefined(Input, metric.Compute(Input)));
    }

    [Fact]
    public void RegistryKeepsTheOrderOfTheResultFiles()
    {
        // metrics.json's confidence_intervals, the evaluate table and the report's columns follow this order.
        Assert.Equal(FileOrder, MetricRegistry.Headline.Select(m => m.Name).Take(FileOrder.Length));
        Assert.Equal(MetricRegistry.Headline.Count, MetricRegistry.Headline.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void RegistryAgreesWithTheRecordWrittenToMetricsJson()
    {
        var record = BinaryMetrics.Compute(Input.Labels, Input.Scores, Input.Threshold);
        var values = MetricRegistry.Compute(Input);
        Assert.Equal([record.Auc, record.Accuracy, record.Sensitivity, record.Specificity, record.Precision, record.F1],
                     FileOrder.Select(n => values[n]));
    }

    [Fact]
    public void OneClassLeavesTheRatiosThatNeedTheOtherClassUndefined()
    {
        var negatives = MetricInput.At([0, 0], [0.1, 0.7], 0.5); // TN 1, FP 1, no positives
        bool Defined(IMetric m) => m.IsDefined(negatives, m.Compute(negatives));
        Assert.False(Defined(new AucMetric()));
        Assert.False(Defined(new SensitivityMetric()));
        Assert.True(Defined(new SpecificityMetric()));
        Assert.True(Defined(new PrecisionMetric()));
        var noCalls = MetricInput.At([0, 1], [0.1, 0.2], 0.5); // nothing called PNEUMONIA
        Assert.False(new PrecisionMetric().IsDefined(noCalls, new PrecisionMetric().Compute(noCalls)));
    }
}
