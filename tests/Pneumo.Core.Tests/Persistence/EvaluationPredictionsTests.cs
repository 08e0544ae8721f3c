using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

public class EvaluationPredictionsTests
{
    [Fact]
    public void TheThreeColumnsComeFirstAndReadersOfPlainPredictionsStillReadThem()
    {
        using var dir = new TempDir();
        var path = dir.Combine("predictions.csv");
        var shown = new Predictions(["train/NORMAL/a,b.jpeg", "train/PNEUMONIA/c.jpeg", "train/PNEUMONIA/d.jpeg"], [0, 1, 1], [0.1, 0.55, 0.97]);
        new EvaluationPredictions(shown, [0.05, 0.6, 0.99], ["NORMAL", "REFER", "PNEUMONIA"]).WriteCsv(path);

        var lines = File.ReadAllLines(path);
        Assert.Equal("path,label,probability,uncalibrated_probability,decision", lines[0]);
        Assert.Equal("\"train/NORMAL/a,b.jpeg\",0,0.1,0.05,NORMAL", lines[1]);
        Assert.Equal("train/PNEUMONIA/c.jpeg,1,0.55,0.6,REFER", lines[2]);

        var read = ResultFiles.ReadPredictions(path);  // the report, the cross-validation summary
        Assert.Equal(shown.Paths, read.Paths);
        Assert.Equal(shown.Labels, read.Labels);
        Assert.Equal(shown.Probabilities, read.Probabilities);
    }

    [Fact]
    public void AHeaderThatOnlyStartsLikeThePredictionsOneIsStillRefused()
    {
        using var dir = new TempDir();
        var path = dir.Combine("predictions.csv");
        File.WriteAllText(path, "path,label,probability_x\na.jpeg,0,0.1\n");
        var e = Assert.Throws<InvalidDataException>(() => ResultFiles.ReadPredictions(path));
        Assert.Contains("expected the header path,label,probability", e.Message);
    }

    [Fact]
    public void OneUncalibratedProbabilityAndOneDecisionPerImage()
    {
        var shown = new Predictions(["a.jpeg"], [0], [0.1]);
        Assert.Throws<ArgumentException>(() => new EvaluationPredictions(shown, [], ["NORMAL"]).WriteCsv(Path.GetTempFileName()));
    }
}
