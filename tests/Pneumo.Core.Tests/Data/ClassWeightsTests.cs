using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Data;

public class ClassWeightsTests
{
    private static ImageRecord R(ClassLabel label, int i) => new($"p{i}", $"/p{i}", label, $"p{i}", "x");

    [Fact]
    public void BalancedWeightsAreNOverTwoNc()
    {
        var records = Enumerable.Range(0, 1).Select(i => R(ClassLabel.Normal, i))
            .Concat(Enumerable.Range(1, 3).Select(i => R(ClassLabel.Pneumonia, i))).ToList();
        var w = ClassWeights.Balanced(records);
        Assert.Equal(4.0 / 2, w[0], 12);
        Assert.Equal(4.0 / 6, w[1], 12);
    }

    [Fact]
    public void ThePapersCountsGiveThePapersWeights()
    {
        // 1,341 NORMAL and 3,875 PNEUMONIA in train: the paper quotes 1.94 and 0.67.
        var records = Enumerable.Range(0, 1341).Select(i => R(ClassLabel.Normal, i))
            .Concat(Enumerable.Range(0, 3875).Select(i => R(ClassLabel.Pneumonia, i + 2000))).ToList();
        var w = ClassWeights.Balanced(records);
        Assert.Equal(1.94, Math.Round(w[0], 2));
        Assert.Equal(0.67, Math.Round(w[1], 2));
    }

    [Fact]
    public void OneClassMissingIsAnError() =>
        Assert.Throws<DataException>(() => ClassWeights.Balanced([R(ClassLabel.Normal, 0)]));
}
