using System.Diagnostics;
using Pneumo.Data;
#if AFTER
using Pneumo.Imaging;
#endif

var all = ChestXrayDataset.Load(args[0], "train");
var shuffled = all.ToArray();
new Random(7).Shuffle(shuffled);
void Time(string what, IReadOnlyList<ImageRecord> records)
{
    var cache = new ImageCache(new ImageDecoder(224), storeDirectory: null);
    var clock = Stopwatch.StartNew();
    var (usable, failures) = cache.LoadAll(records);
    double s = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{what}: {records.Count} images in {s * 1000:F1} ms, {records.Count / s:F1} img/s ({failures.Count} failed)");
}
var first = shuffled.Take(320).ToList();
Time("first 1 (fresh process)", shuffled.Skip(5000).Take(1).ToList());
Time("first 320", first);
Time("same 320 again", first);
Time("next 4000", shuffled.Skip(320).Take(4000).ToList());
Time("same 320 third time", first);
