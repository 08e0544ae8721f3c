using System.Globalization;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Reporting.Figures;
using ScottPlot;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Reporting;

/// <summary>Each figure is produced from a small synthetic result set written to and read back from result files.</summary>
/// <remarks>Set PNEUMO_KEEP_FIGURES=DIR to keep the pictures there for a look.</remarks>
public class FigureTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("PNEUMO_KEEP_FIGURES") is { Length: > 0 } keep)
            foreach (var png in Directory.GetFiles(temp.Path, "*.png", SearchOption.AllDirectories))
                File.Copy(png, Path.Combine(Directory.CreateDirectory(keep).FullName, Path.GetFileName(png)), overwrite: true);
        temp.Dispose();
    }

    /// <summary>Writes a predictions.csv of 60 images whose scores separate the classes by <paramref name="separation"/>, and reads it back.</summary>
    private Predictions SyntheticPredictions(string name, double separation, int seed)
    {
        var random = new Random(seed);
        var paths = new List<string>();
        var labels = new List<int>();
        var probabilities = new List<double>();
        for (int i = 0; i < 60; i++)
        {
            int label = i % 3 == 0 ? 0 : 1;
            paths.Add($"test/{(label == 1 ? "PNEUMONIA" : "NORMAL")}/{(label == 1 ? $"person{i}_bacteria_{i}" : $"IM-{i:D4}-0001")}.jpeg");
            labels.Add(label);
            probabilities.Add(Math.Clamp(0.5 + (label == 1 ? separation : -separation) + (random.NextDouble() - 0.5) * 0.8, 0, 1));
        }
        var file = temp.Combine(name, FileNames.Predictions);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        new Predictions(paths, labels, probabilities).WriteCsv(file);
        return ResultFiles.ReadPredictions(file);
    }

    private List<EpochLogs> SyntheticHistory()
    {
        var lines = new List<string> { "epoch,loss,accuracy,val_loss,val_accuracy,val_auc,lr,seconds,images_per_second" };
        for (int e = 1; e <= 8; e++)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{e},{0.6 / e},{1 - 0.3 / e},{0.5 / e + 0.01 * Math.Max(0, e - 5)},{0.9 - 0.2 / e},0.95,5E-05,10.0,50.0"));
        var file = temp.Combine(FileNames.History);
        File.WriteAllLines(file, lines);
        return ResultFiles.ReadHistory(file);
    }

    /// <summary>The PNG exists, has the expected size and is not blank (a good share of its pixels are not background).</summary>
    private static void AssertPicture(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} not written");
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        var background = bitmap.GetPixel(1, 1);
        int differing = 0, total = 0;
        for (int y = 0; y < bitmap.Height; y += 4)
        for (int x = 0; x < bitmap.Width; x += 4, total++)
            if (bitmap.GetPixel(x, y) != background) differing++;
        Assert.InRange((double)differing / total, 0.01, 1.0);
    }

    /// <summary>The legend's texts, in drawing order.</summary>
    private static string[] Legend(Plot plot) =>
        plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).Where(t => !string.IsNullOrEmpty(t)).ToArray();

    private static void AssertUnitSquare(Plot plot)
    {
        var limits = plot.Axes.GetLimits();
        Assert.Equal((-0.01, 1.01, -0.01, 1.01), (limits.Left, limits.Right, limits.Bottom, limits.Top));
    }

    [Fact]
    public void RocCurvesOfSeveralModelsOnOneChart()
    {
        var path = temp.Combine("figures", "roc.png");
        var (good, weak) = (SyntheticPredictions("a", 0.3, 1), SyntheticPredictions("b", 0.05, 2));
        RocFigure.Save([("good", good), ("weak", weak)], path, width: 600, height: 500);
        AssertPicture(path, 600, 500);

        var plot = RocFigure.Build([("good", good), ("weak", weak)], "ROC");
        var (goodAuc, weakAuc) = (RocCurve.Compute(good.Labels, good.Probabilities).Auc, RocCurve.Compute(weak.Labels, weak.Probabilities).Auc);
        Assert.True(goodAuc > weakAuc + 0.1, $"{goodAuc} against {weakAuc}");
        // One entry per model with its own AUC, then the chance line.
        Assert.Equal([$"good (AUC {goodAuc.ToString("F3", CultureInfo.InvariantCulture)}, n=60)",
                      $"weak (AUC {weakAuc.ToString("F3", CultureInfo.InvariantCulture)}, n=60)", "chance (AUC 0.5)"], Legend(plot));
        AssertUnitSquare(plot);
        // Each curve runs from (0, 0) to (1, 1) without stepping back.
        var curves = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, curves.Count);
        foreach (var points in curves.Select(c => c.Data.GetScatterPoints()))
        {
            Assert.Equal((0.0, 0.0), (points[0].X, points[0].Y));
            Assert.Equal((1.0, 1.0), (points[^1].X, points[^1].Y));
            Assert.All(points.Zip(points.Skip(1)), p => Assert.True(p.Second.X >= p.First.X && p.Second.Y >= p.First.Y));
        }
    }

    [Fact]
    public void ConfusionMatricesSideBySide()
    {
        var path = temp.Combine("confusion.png");
        var p = SyntheticPredictions("a", 0.2, 1);
        ConfusionMatrixFigure.Save([("model A", ConfusionMatrix.At(p.Labels, p.Probabilities, 0.5)), ("paper", new ConfusionMatrix(384, 102, 132, 6))],
                                   path, panelWidth: 400, panelHeight: 420);
        AssertPicture(path, 800, 420);

        // The paper's panel: TN, FP in the NORMAL row, FN, TP in the PNEUMONIA row, each with its share of the row.
        var paper = ConfusionMatrixFigure.Build([("paper", new ConfusionMatrix(Tp: 384, Fp: 102, Tn: 132, Fn: 6))], columns: 4).GetPlot(0);
        Assert.Equal(["132", "56.4%", "102", "43.6%", "6", "1.5%", "384", "98.5%"],
                     paper.GetPlottables<ScottPlot.Plottables.Text>().Select(t => t.LabelText));
        Assert.Equal("paper\naccuracy 82.7%, n=624", paper.Axes.Title.Label.Text);
    }

    [Fact]
    public void ManyConfusionMatricesWrapIntoRowsOfFour()
    {
        var path = temp.Combine("confusion-many.png");
        var p = SyntheticPredictions("a", 0.2, 1);
        var matrices = Enumerable.Range(1, 6).Select(i => ($"model {i}", ConfusionMatrix.At(p.Labels, p.Probabilities, i / 7.0))).ToList();
        ConfusionMatrixFigure.Save(matrices, path, panelWidth: 400, panelHeight: 420);
        AssertPicture(path, 4 * 400, 2 * 420);

        var panels = ConfusionMatrixFigure.Build(matrices, columns: 4);
        Assert.Equal(6, panels.GetPlots().Length);
        for (int i = 0; i < 6; i++)
            Assert.StartsWith($"model {i + 1}\naccuracy {matrices[i].Item2.Accuracy * 100:F1}%", panels.GetPlot(i).Axes.Title.Label.Text);
    }

    [Fact]
    public void TrainingCurvesFromHistory()
    {
        var path = temp.Combine("curves.png");
        var history = SyntheticHistory();
        TrainingCurvesFigure.Save(history, "szanet", path, width: 900, height: 400);
        AssertPicture(path, 900, 400);

        // Two panels, loss then accuracy, each with both curves and the best epoch (lowest validation loss: epoch 7).
        var panels = TrainingCurvesFigure.Build(history, "szanet");
        Assert.Equal(2, panels.GetPlots().Length);
        var (loss, accuracy) = (panels.GetPlot(0), panels.GetPlot(1));
        Assert.Equal(("szanet: loss", "szanet: accuracy"), (loss.Axes.Title.Label.Text, accuracy.Axes.Title.Label.Text));
        Assert.All(new[] { loss, accuracy }, plot => Assert.Equal(["training", "validation", "best validation loss (epoch 7)"], Legend(plot)));
        var curves = loss.GetPlottables<ScottPlot.Plottables.Scatter>().Select(c => c.Data.GetScatterPoints().Select(q => q.Y)).ToList();
        Assert.Equal(history.Select(h => h.Loss), curves[0]);
        Assert.Equal(history.Select(h => h.ValLoss), curves[1]);
        foreach (var plot in new[] { loss, accuracy })
        {
            // Whole epochs only (no 1.5), over the epochs run; the legend outside the data area.
            var ticks = RenderedTicks(plot);
            Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], ticks);
            Assert.Equal((0.5, 8.5), (plot.Axes.GetLimits().Left, plot.Axes.GetLimits().Right));
            Assert.False(plot.Legend.IsVisible);
            Assert.Contains(plot.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel);
        }
        // Loss from 0; accuracy up to 1 and spanning at least 0.2, even when it barely moves.
        Assert.Equal(0, loss.Axes.GetLimits().Bottom);
        Assert.Equal((0.6, 1.02), (accuracy.Axes.GetLimits().Bottom, accuracy.Axes.GetLimits().Top));
        var flat = history.Select(h => h with { Accuracy = 0.95 + h.Epoch * 0.001, ValAccuracy = 0.951 }).ToList();
        Assert.Equal(0.8, TrainingCurvesFigure.Build(flat, "flat").GetPlot(1).Axes.GetLimits().Bottom, 12);
    }

    /// <summary>The bottom axis's labelled ticks as drawn (the tick generator fills them when the plot renders).</summary>
    private static List<double> RenderedTicks(Plot plot)
    {
        using var image = plot.GetImage(600, 400);
        return plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToList();
    }

    [Fact]
    public void EpochTicksStayWholeOverManyEpochs()
    {
        var plot = FigureFile.NewPlot();
        FigureAxes.EpochTicks(plot, 1, 37);
        var ticks = RenderedTicks(plot);
        Assert.All(ticks, t => Assert.Equal(Math.Round(t), t));
        Assert.Equal([1.0, 5, 10, 15, 20, 25, 30, 35], ticks.Order());
    }

    [Fact]
    public void MetricBarsWithAndWithoutIntervals()
    {
        var path = temp.Combine("bars.png");
        var p = SyntheticPredictions("a", 0.2, 1);
        var m = BinaryMetrics.Compute(p.Labels, p.Probabilities, 0.5);
        var values = new Dictionary<string, double> { ["accuracy"] = m.Accuracy, ["precision"] = m.Precision, ["sensitivity"] = m.Sensitivity, ["f1"] = m.F1, ["auc"] = m.Auc };
        var intervals = Bootstrap.HeadlineMetrics(p.Labels, p.Probabilities, 0.5, resamples: 200);
        MetricBarsFigure.Save([new MetricSeries("ours", values, intervals), new MetricSeries("paper", new Dictionary<string, double> { ["accuracy"] = 0.83, ["auc"] = 0.956 })],
                              path, width: 900, height: 500);
        AssertPicture(path, 900, 500);
        // The tables' word for the true positive rate, not "recall".
        Assert.Equal(["accuracy", "precision", "sensitivity", "F1", "AUC"], MetricBarsFigure.Metrics.Select(m => m.Label));
    }

    [Fact]
    public void ReliabilityDiagramWithTheImagesInEachBin()
    {
        var path = temp.Combine("reliability.png");
        var p = SyntheticPredictions("a", 0.2, 1);
        var calibration = Calibration.Compute(p.Labels, p.Probabilities);
        var sharper = Calibration.Compute(p.Labels, p.Probabilities.Select(x => ScoreCalibration.Sigmoid(2 * ScoreCalibration.Logit(x))).ToList());
        ReliabilityFigure.Save([("model A", calibration), ("model A, sharpened", sharper)], path, "Reliability on validation", width: 600, height: 700);
        AssertPicture(path, 600, 700);

        var plot = ReliabilityFigure.Curves([("model A", calibration), ("model B", calibration)]);
        var ece = calibration.ExpectedCalibrationError.ToString("F3", CultureInfo.InvariantCulture);
        Assert.Equal(["perfect calibration", $"model A (ECE {ece})", $"model B (ECE {ece})"], Legend(plot));
        AssertUnitSquare(plot);
        var points = plot.GetPlottables<ScottPlot.Plottables.Scatter>().First().Data.GetScatterPoints();
        Assert.Equal(calibration.Bins.Where(b => b.Count > 0).Select(b => (b.MeanProbability, b.FractionPositive)), points.Select(q => (q.X, q.Y)));

        // Below the curves, one bar per non-empty bin and curve, at the bin, as tall as its count and labelled with it.
        var counts = ReliabilityFigure.Counts([("model A", calibration), ("model A, sharpened", sharper)]);
        var series = counts.GetPlottables<ScottPlot.Plottables.BarPlot>().ToList();
        Assert.Equal(2, series.Count);
        foreach (var (bars, c) in series.Zip(new[] { calibration, sharper }))
        {
            var filled = c.Bins.Where(b => b.Count > 0).ToList();
            Assert.Equal(filled.Select(b => (double)b.Count), bars.Bars.Select(b => b.Value));
            Assert.Equal(filled.Select(b => b.Count.ToString(CultureInfo.InvariantCulture)), bars.Bars.Select(b => b.Label));
            Assert.All(bars.Bars.Zip(filled), x => Assert.InRange(x.First.Position, x.Second.Lower, x.Second.Upper));
        }
        Assert.Equal(p.Labels.Count, series[0].Bars.Sum(b => b.Value));
        Assert.Equal(2, ReliabilityFigure.Build([("model A", calibration)]).Subplots.Count);
    }

    [Fact]
    public void ClassDistribution()
    {
        var path = temp.Combine("distribution.png");
        ClassDistributionFigure.Save([new SplitCounts("train", 1341, 3875), new SplitCounts("test", 234, 390)], path, width: 700, height: 450);
        AssertPicture(path, 700, 450);
    }

    [Fact]
    public void ExampleGridOfImagesPerClass()
    {
        var images = new List<(string, string)>();
        for (int i = 0; i < 3; i++)
        {
            var file = temp.Combine($"x{i}.png");
            File.WriteAllBytes(file, PngWriter.Rgb16(60 + 20 * i, 80, (x, y) => (x * 1000, y * 800, 30000)));
            images.Add((file, $"x{i}.png"));
        }
        var path = temp.Combine("grid.png");
        ExampleGridFigure.Save([new ExampleRow("NORMAL", images), new ExampleRow("PNEUMONIA", images[..2])], path, cell: 100);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(14 * 2 + 170 + 3 * (100 + 14), bitmap.Width);  // margins, heading column, three cells
        AssertPicture(path, bitmap.Width, bitmap.Height);
    }

    [Fact]
    public void MalformedPredictionsNameTheFileAndLine()
    {
        var file = temp.Combine("bad.csv");
        File.WriteAllText(file, "path,label,probability\na.jpeg,1,0.3\nb.jpeg,2,0.5\n");
        var e = Assert.Throws<InvalidDataException>(() => ResultFiles.ReadPredictions(file));
        Assert.Contains($"{file}: line 3", e.Message);
    }
}
