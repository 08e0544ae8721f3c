using System.Text;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Reporting.Figures;
using Pneumo.Workflows;
using static Pneumo.Reporting.CrossValidationTable;

namespace Pneumo.Reporting.Report;

/// <summary>The contents of the report's <c>summary.json</c>.</summary>
public sealed record ReportSummary(DataSummary? Data, List<EntryAnalysis> Models, List<CrossValidationSummary> CrossValidations,
                                   List<PublishedResult> Paper, List<string> Figures, Provenance Provenance)
{
    /// <summary>The per-image prediction files the numbers are computed from, relative to the report's folder.</summary>
    public List<string> Predictions { get; init; } = [];
}

/// <summary>
/// Writes the study report from result files only: <c>report.md</c>, a self-contained <c>report.html</c>,
/// <c>summary.json</c> and <c>figures/*.png</c>.
/// </summary>
public static class StudyReport
{
    /// <summary>The banner over a quick study's report and on each of its figures.</summary>
    public const string QuickRun = "quick run: checks the pipeline, numbers mean nothing";

    public static ReportSummary Write(IReadOnlyList<ReportEntry> entries, string? dataRoot, string outDir, string command,
                                      int resamples = Bootstrap.DefaultResamples, Action<string>? log = null)
    {
        if (entries.Count == 0) throw new UserError("--runs: no result folders given");
        var report = new Sections(outDir, log);
        var data = dataRoot is not null && Directory.Exists(dataRoot) ? DataSummary.Read(dataRoot) : null;
        var analyses = entries.Select(e => EntryAnalysis.Of(e, resamples)).ToList();
        bool quick = entries.Any(e => ReportInputs.FromQuickStudy(e.Directory));
        if (quick) report.QuickBanner();
        report.Title(entries, command);
        report.Data(data);
        report.Models(entries);
        report.TestResults(entries, analyses, resamples);
        report.Calibration(entries, analyses);
        report.Findings(entries, analyses);
        var cvs = entries.Where(e => e.CrossValidation is not null).ToList();
        report.CrossValidation(cvs);
        report.PerImagePredictions(entries);
        report.DifferencesFromThePaper(entries);

        if (quick)
            foreach (var figure in report.Figures) FigureBanner.Stamp(Path.Combine(outDir, figure), QuickRun);
        var markdown = report.Markdown;
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.ReportMarkdown), markdown);
        AtomicFile.WriteAllText(Path.Combine(outDir, FileNames.ReportHtml), MarkdownHtml.Convert(markdown, outDir, "Pneumo study report"));
        var summary = new ReportSummary(data, analyses, cvs.Select(e => e.CrossValidation!).ToList(), PaperResults.All.ToList(),
                                        report.Figures, Provenance.Capture(command)) { Predictions = report.PredictionFiles };
        Json.Write(Path.Combine(outDir, FileNames.ReportSummary), summary);
        return summary;
    }

    /// <summary>The report's markdown, section by section, and the figures it refers to.</summary>
    private sealed class Sections(string outDir, Action<string>? log)
    {
        private readonly StringBuilder md = new("# Pneumonia from pediatric chest X-rays: study report\n\n");

        public string Markdown => md.ToString();

        /// <summary>The figures made, relative to the report's folder.</summary>
        public List<string> Figures { get; } = [];

        /// <summary>The path of a new figure, recorded.</summary>
        private string Figure(string name)
        {
            var dir = Directory.CreateDirectory(Path.Combine(outDir, FileNames.ReportFigures)).FullName;
            Figures.Add($"{FileNames.ReportFigures}/{name}");
            log?.Invoke($"figure {name}");
            return Path.Combine(dir, name);
        }

        /// <summary>The warning that opens a quick study's report: its models saw a small subset for an epoch or two.</summary>
        public void QuickBanner() =>
            md.AppendLine($"> **{QuickRun}.** Made by `pneumo study --quick`: a small subset of the training images and one or two epochs, " +
                          "so the models below have barely learned; run `pneumo study` without `--quick` for results.\n");

        public void Title(IReadOnlyList<ReportEntry> entries, string command) =>
            md.AppendLine($"Made by `{command}` at commit `{Provenance.Capture(command).Commit}` from the result files of: " +
                          string.Join(", ", entries.Select(e => $"`{e.Directory}`")) +
                          ". Every number below is recomputed from per-image predictions.\n");

        public void Data(DataSummary? data)
        {
            md.AppendLine("## Data\n");
            if (data is null)
            {
                md.AppendLine("The data root was not found, so the data summary and example images are left out.\n");
                return;
            }
            md.AppendLine($"Data root `{data.Root}`.\n");
            md.AppendLine("| split | images | NORMAL | PNEUMONIA | patients | findings |\n|---|---|---|---|---|---|");
            foreach (var s in data.Splits)
                md.AppendLine($"| {s.Split} | {s.Normal + s.Pneumonia} | {s.Normal} | {s.Pneumonia} | {s.Patients} | " +
                              $"{string.Join(", ", s.Findings.Select(f => $"{f.Key} {f.Value}"))} |");
            DataFigures.SaveClassDistribution(data, Figure(FileNames.ClassDistributionFigure));
            md.AppendLine($"\n![Images per class and split](figures/{FileNames.ClassDistributionFigure})\n");
            DataFigures.SaveExamples(data, Figure(FileNames.ExamplesFigure));
            md.AppendLine($"![Example X-rays per class](figures/{FileNames.ExamplesFigure})\n");
        }

        public void Models(IReadOnlyList<ReportEntry> entries)
        {
            md.AppendLine("## Models and protocols\n");
            md.AppendLine("Each row as the model really trained, from its `model.json` and `history.csv` (a cross-validation: its configuration).\n");
            md.AppendLine("| model | architecture | protocol | epochs run (best) | batch | lr | input | augmentation | class weights | averaging | threshold |\n" +
                          "|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var e in entries)
            {
                var c = e.Config;
                var t = TrainingSettings.Of(e);
                md.AppendLine($"| {e.Name} | {e.Architecture} | {e.Protocol} | {t.Epochs} | {c?.BatchSize} | {c?.LearningRate:G3} | {t.Input} | " +
                              $"{(c is null ? "" : Augmentation(c.Augmentation))} | {t.ClassWeights} | {t.Averaging} | {F(e.Threshold)} |");
            }
            foreach (var e in entries.Where(e => e.History is { Count: > 0 }))
            {
                var file = $"curves-{Slug(e.Name)}.png";
                TrainingCurvesFigure.Save(e.History!, e.Name, Figure(file));
                md.AppendLine($"\n![Training curves of {e.Name}](figures/{file})");
            }
        }

        private static string Augmentation(AugmentationOptions a) =>
            a.Shear == 0 && a.Zoom == 0 && !a.HorizontalFlip
                ? "none"
                : $"shear {a.Shear} {a.ShearUnit.ToString().ToLowerInvariant()}, zoom {a.Zoom}, flip {(a.HorizontalFlip ? "yes" : "no")}";

        public void TestResults(IReadOnlyList<ReportEntry> entries, List<EntryAnalysis> analyses, int resamples)
        {
            md.AppendLine("\n## Test results (official test set)\n");
            md.AppendLine("At each model's own threshold (chosen on validation, never on test); 95% bootstrap intervals over test images " +
                          $"({resamples} resamples, seeded).\n");
            var metrics = MetricRegistry.Headline;
            var names = metrics.Select(m => m.Name).ToList();
            md.AppendLine($"| model | n | {string.Join(" | ", metrics.Select(m => m.Heading))} | TP | FP | TN | FN |\n" +
                          "|---|---|" + string.Concat(metrics.Select(_ => "---|")) + "---|---|---|---|");
            foreach (var a in analyses)
                md.AppendLine($"| {a.Name} | {a.Test.N} | " + string.Join(" | ", names.Select(n => Ci(a.Intervals[n]))) +
                              $" | {a.Test.Tp} | {a.Test.Fp} | {a.Test.Tn} | {a.Test.Fn} |");
            foreach (var p in PaperResults.All)
            {
                var m = p.Metrics();
                // The paper publishes only its counts and AUC: a metric it cannot give is an empty cell.
                md.AppendLine($"| {p.Name} | {p.Matrix.N} | " + string.Join(" | ", names.Select(n => m.TryGetValue(n, out var v) ? F(v) : "")) +
                              $" | {p.Matrix.Tp} | {p.Matrix.Fp} | {p.Matrix.Tn} | {p.Matrix.Fn} |");
            }
            md.AppendLine("\nThe paper's rows are derived from its published confusion matrices (cells read with PNEUMONIA as positive; the paper " +
                          "labels them the other way round) and its published AUCs; it gives no intervals.\n");
            RocFigure.Save(entries.Select(e => (e.Name, e.Test)).ToList(), Figure("roc.png"));
            md.AppendLine("![ROC curves on the test set](figures/roc.png)\n");
            ConfusionMatrixFigure.Save(analyses.Select(a => (a.Name, a.Test.Confusion)).Concat(PaperResults.All.Select(p => (p.Name, p.Matrix))).ToList(),
                                       Figure("confusion.png"));
            md.AppendLine("![Confusion matrices](figures/confusion.png)\n");
            var series = analyses.Select(a => new MetricSeries(a.Name, names.ToDictionary(n => n, n => a.Intervals[n].Estimate), a.Intervals))
                                 .Concat(PaperResults.All.Select(p => new MetricSeries(p.Name, p.Metrics())));
            MetricBarsFigure.Save(series.ToList(), Figure("metrics.png"));
            md.AppendLine("![Metrics by model and protocol](figures/metrics.png)\n");
        }

        public void Calibration(IReadOnlyList<ReportEntry> entries, List<EntryAnalysis> analyses)
        {
            md.AppendLine("## Calibration and pneumonia type\n");
            md.AppendLine("| model | ECE (10 bins) | bacterial: called PNEUMONIA (sensitivity) | viral: called PNEUMONIA (sensitivity) | " +
                          "normal: called PNEUMONIA (1 - specificity) |\n|---|---|---|---|---|");
            foreach (var a in analyses)
            {
                string Rate(string f) => a.ByFinding.FirstOrDefault(r => r.Finding == f) is { } r ? $"{Ci(r.CalledPneumonia)} (n={r.N})" : "";
                md.AppendLine($"| {a.Name} | {Ci(a.ExpectedCalibrationError)} | {Rate("bacteria")} | {Rate("virus")} | {Rate("normal")} |");
            }
            var curves = entries.Select(e => (e.Name, Evaluation.Metrics.Calibration.Compute(e.Test.Labels, e.Test.Probabilities))).ToList();
            ReliabilityFigure.Save(curves, Figure(FileNames.ReliabilityFigure));
            md.AppendLine($"\n![Reliability diagram, with the images in each bin below it](figures/{FileNames.ReliabilityFigure})\n");
        }

        /// <summary>
        /// The second question, for the finding models among the entries: the 3x3 confusion matrix, the three-class
        /// measures and bacterial vs viral beside Kermany et al. 2018, with their figures; nothing when there is none.
        /// </summary>
        public void Findings(IReadOnlyList<ReportEntry> entries, List<EntryAnalysis> analyses)
        {
            var findings = entries.Zip(analyses).Where(x => x.Second.Findings is not null).ToList();
            if (findings.Count == 0) return;
            md.AppendLine("## Bacterial or viral (finding models)\n");
            md.AppendLine("Models of three classes (NORMAL, BACTERIAL, VIRAL; `--task finding`), each image called its most probable class; the " +
                          "classes come from the file names. Their binary rows above read P(pneumonia) = P(bacterial) + P(viral).\n");
            var measures = findings.SelectMany(x => x.Second.Findings!.Metrics.Keys).Distinct().ToList();
            md.AppendLine($"| model | {string.Join(" | ", measures)} |\n|---|" + string.Concat(measures.Select(_ => "---|")));
            foreach (var (_, a) in findings)
                md.AppendLine($"| {a.Name} | " + string.Join(" | ", measures.Select(m => a.Findings!.Metrics.TryGetValue(m, out var ci) ? Ci(ci) : "")) + " |");
            var kinds = findings.SelectMany(x => x.Second.Findings!.BacterialVsViral.Keys).Distinct().ToList();
            md.AppendLine("\n**Bacterial vs viral** among the pneumonia images (bacterial when P(bacterial) >= P(viral)), beside Kermany et al. 2018 " +
                          "(Inception-V3, the same test set):\n");
            md.AppendLine($"| model | n | {string.Join(" | ", kinds)} |\n|---|---|" + string.Concat(kinds.Select(_ => "---|")));
            foreach (var (_, a) in findings)
                md.AppendLine($"| {a.Name} | {a.Findings!.BacterialVsViralImages} | " +
                              string.Join(" | ", kinds.Select(k => a.Findings!.BacterialVsViral.TryGetValue(k, out var ci) ? Ci(ci) : "")) + " |");
            md.AppendLine("| Kermany et al. 2018 | | " +
                          string.Join(" | ", kinds.Select(k => FindingMetrics.Kermany2018BacterialVsViral.TryGetValue(k, out var v) ? F(v) : "")) + " |");
            md.AppendLine();
            foreach (var (e, a) in findings)
            {
                var m = a.Findings!;
                md.AppendLine($"**{a.Name}**, images by true class (rows) and predicted class (columns):\n");
                md.AppendLine($"| | {string.Join(" | ", m.Classes)} |\n|---|" + string.Concat(m.Classes.Select(_ => "---|")));
                foreach (var (c, i) in m.Classes.Select((c, i) => (c, i))) md.AppendLine($"| {c} | {string.Join(" | ", m.ConfusionMatrix[i])} |");
                var slug = Slug(a.Name);
                FindingFigures.SaveConfusion($"{a.Name}: findings on test", m, Figure($"findings-confusion-{slug}.png"));
                FindingFigures.SaveRoc($"{a.Name}: findings on test, ROC curves", e.Test, m.Classes, Figure($"findings-roc-{slug}.png"));
                md.AppendLine($"\n![Confusion matrix of {a.Name}'s three classes](figures/findings-confusion-{slug}.png) " +
                              $"![ROC curves of {a.Name}: each class against the rest, and bacterial vs viral](figures/findings-roc-{slug}.png)\n");
            }
        }

        public void CrossValidation(List<ReportEntry> cvs)
        {
            if (cvs.Count == 0) return;
            md.AppendLine("## Cross-validation\n");
            foreach (var e in cvs) md.AppendLine($"### {e.Name}\n\n{CrossValidationTable.Markdown(e.CrossValidation!)}");
            var oof = cvs.Select(e => (e.Name + " (out-of-fold, validation)",
                                       ResultFiles.ReadPredictions(Path.Combine(e.Directory, FileNames.OutOfFold, FileNames.Predictions)))).ToList();
            RocFigure.Save(oof, Figure("roc-out-of-fold.png"), "Pooled out-of-fold ROC curves (training set)");
            md.AppendLine("![Pooled out-of-fold ROC](figures/roc-out-of-fold.png)\n");
        }

        /// <summary>The prediction files written, relative to the report's folder.</summary>
        public List<string> PredictionFiles { get; } = [];

        /// <summary>
        /// Copies every entry's per-image test predictions (and a cross-validation's pooled out-of-fold predictions) into
        /// the report's folder, so that anyone can recompute every number of the report from them.
        /// </summary>
        public void PerImagePredictions(IReadOnlyList<ReportEntry> entries)
        {
            var dir = Directory.CreateDirectory(Path.Combine(outDir, FileNames.ReportPredictions)).FullName;
            void Write(Predictions predictions, string name)
            {
                predictions.WriteCsv(Path.Combine(dir, name));
                PredictionFiles.Add($"{FileNames.ReportPredictions}/{name}");
            }
            foreach (var e in entries)
            {
                Write(e.Test, $"{Slug(e.Name)}-test.csv");
                if (e.CrossValidation is not null)
                    Write(ResultFiles.ReadPredictions(Path.Combine(e.Directory, FileNames.OutOfFold, FileNames.Predictions)),
                          $"{Slug(e.Name)}-out-of-fold.csv");
            }
            md.AppendLine("## Per-image predictions\n");
            md.AppendLine("Every number above is computed from these files (`path,label,probability`; label 1 = PNEUMONIA), with each " +
                          "model's threshold from the tables:\n");
            foreach (var f in PredictionFiles) md.AppendLine($"- [{f}]({f})");
            md.AppendLine();
        }

        public void DifferencesFromThePaper(IReadOnlyList<ReportEntry> entries)
        {
            var settings = entries.Select(e => (e.Name, Settings: TrainingSettings.Of(e))).ToList();
            string Names(Func<TrainingSettings, bool> which) =>
                settings.Where(s => which(s.Settings)).Select(s => s.Name).ToList() is { Count: > 0 } names ? string.Join(", ", names) : "none";
            md.AppendLine("## What differs from the paper\n");
            md.AppendLine("- Validation is split by **patient** (no child on both sides), the paper's split is by image and leaks patients between " +
                          "training and validation.");
            md.AppendLine("- The decision threshold is chosen on validation only (Youden) and the test set is used once per model, to report; the " +
                          "paper's \"validation\" AUCs are on the test set's 624 images.");
            md.AppendLine("- The paper's transfer model is ResNet152V2; its ImageNet weights are not obtainable here, so the transfer models (when " +
                          "present) use an ImageNet ResNet18.");
            md.AppendLine($"- Inputs (per model in the table above): standardised per image: {Names(s => s.PerImage == true)}; not: " +
                          $"{Names(s => s.PerImage == false)} (the ResNet18 models take what their ImageNet weights expect). The paper scales to [0, 1] only.");
            md.AppendLine($"- Weights averaged over training (EMA): {Names(s => s.Ema)}; predictions averaged over a horizontal flip: {Names(s => s.Flip)}. " +
                          "The paper does neither.");
            md.AppendLine("- Cross-validation folds are stratified and patient-grouped over the training set, and every fold model is also tested " +
                          "on the official test set; the paper gives its CV results only as figures.");
            md.AppendLine("- Confidence intervals, calibration and per-type sensitivity are not in the paper.");
        }
    }

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
}
