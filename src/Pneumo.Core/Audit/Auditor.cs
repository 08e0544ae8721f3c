using Pneumo.Data;
using Pneumo.Explain;
using Pneumo.Imaging;
using Pneumo.Inference;

namespace Pneumo.Audit;

/// <summary>
/// Runs a model over images for an audit: each image's probability as the model predicts it, with the border band and
/// each top corner patch masked, and the share of its PNEUMONIA Grad-CAM map in the border band and the corners.
/// </summary>
/// <remarks>
/// <para>
/// Probabilities come from <paramref name="predictor"/> (the model's preprocessing and test-time augmentation); the four
/// views of a chunk of images (as seen, border masked, top-left masked, top-right masked) go through it as one batch.
/// The Grad-CAM map is the one <c>predict --explain</c> draws for PNEUMONIA (the image as seen, no mirror), computed
/// for a chunk at a time with one backward pass (<see cref="GradCam.RawMaps"/>).
/// </para>
/// <para>Not thread-safe (it runs the model).</para>
/// </remarks>
public sealed class Auditor(Predictor predictor, GradCam gradCam, AuditRegions regions, int chunk = 16)
{
    public AuditRegions Regions { get; } = regions;

    /// <summary>The sum of the sum-normalised maps so far, and how many there were, per class (0 NORMAL, 1 PNEUMONIA).</summary>
    public double[][] MapSums { get; } = [new double[regions.Width * regions.Height], new double[regions.Width * regions.Height]];

    public int[] MapCounts { get; } = new int[2];

    /// <summary>Audits decoded images (each the model's input size); <paramref name="done"/> hears the count after each chunk.</summary>
    public List<AuditRow> Run(IReadOnlyList<ImageRecord> records, Func<ImageRecord, RgbImage> image, Action<int>? done = null,
                              CancellationToken cancel = default)
    {
        var rows = new List<AuditRow>(records.Count);
        for (int start = 0; start < records.Count; start += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            var part = records.Skip(start).Take(chunk).ToList();
            var images = part.Select(image).ToList();
            var labels = part.Select(r => (int)r.Label).ToList();
            rows.AddRange(Audit(images, labels).Select((a, i) => a with { Path = part[i].RelativePath, Group = FileNameGroup.Of(part[i]) }));
            done?.Invoke(rows.Count);
        }
        return rows;
    }

    /// <summary>Audits one chunk of images with known labels (paths and groups left empty).</summary>
    public List<AuditRow> Audit(IReadOnlyList<RgbImage> images, IReadOnlyList<int> labels)
    {
        int n = images.Count;
        if (n == 0) return [];
        var views = new List<RgbImage>(4 * n);
        views.AddRange(images);
        foreach (var img in images)
        {
            var fill = ImageMasking.MedianGrey(img);
            views.Add(ImageMasking.MaskBorder(img, Regions, fill));
            views.Add(ImageMasking.MaskRectangle(img, Regions, Regions.TopLeft, fill));
            views.Add(ImageMasking.MaskRectangle(img, Regions, Regions.TopRight, fill));
        }
        var p = predictor.Predict(views);
        var maps = gradCam.RawMaps(images, ClassLabel.Pneumonia);
        var rows = new List<AuditRow>(n);
        for (int i = 0; i < n; i++)
        {
            var normalized = CamMass.Normalized(maps[i]);
            if (normalized is not null)
            {
                var sum = MapSums[labels[i]];
                for (int k = 0; k < sum.Length; k++) sum[k] += normalized[k];
                MapCounts[labels[i]]++;
            }
            rows.Add(new AuditRow("", labels[i], "", p[i], p[n + 3 * i], p[n + 3 * i + 1], p[n + 3 * i + 2], CamMass.Of(maps[i], Regions)));
        }
        return rows;
    }
}
