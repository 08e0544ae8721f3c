namespace Pneumo;

/// <summary>
/// How far a step of long work is: <see cref="Done"/> of <see cref="Total"/> units (images, batches, folds, stages)
/// of the step named <see cref="Step"/>. The library reports it through <see cref="IProgress{T}"/>; front ends draw it
/// (a live bar with an estimate of the time left, or a plain line now and then).
/// </summary>
/// <remarks>
/// Reports of one step share its name, which stays the same while the step runs (decoding, scoring, epoch 3);
/// <see cref="Detail"/> is what may change with every report (a running loss). A step starts with a report of 0 done
/// (again, when a step of that name ran before: the next model's decoding) and is over when <see cref="Done"/> reaches
/// <see cref="Total"/>. Reports may come from several threads and out of order: a front end keeps the largest
/// <see cref="Done"/>.
/// </remarks>
public readonly record struct WorkProgress(string Step, int Done, int Total, string? Detail = null)
{
    /// <summary>
    /// The counter of one step as an <see cref="IProgress{T}"/> of how many units are done (what decoding and scoring
    /// report); reports the step's start (0 done) at once. Null when <paramref name="progress"/> is null.
    /// </summary>
    public static IProgress<int>? Counter(IProgress<WorkProgress>? progress, string step, int total)
    {
        if (progress is null) return null;
        progress.Report(new WorkProgress(step, 0, total));
        return Synchronous<int>(done => progress.Report(new WorkProgress(step, done, total)));
    }

    /// <summary>
    /// An <see cref="IProgress{T}"/> that calls <paramref name="report"/> at once on the reporting thread (unlike
    /// <see cref="Progress{T}"/>, which posts each report to run later, in any order).
    /// </summary>
    public static IProgress<T> Synchronous<T>(Action<T> report) => new SynchronousProgress<T>(report);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
