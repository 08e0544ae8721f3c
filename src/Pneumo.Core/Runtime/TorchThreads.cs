using TorchSharp;

namespace Pneumo.Runtime;

/// <summary>How many threads torch computes with in this process: the one place that sets it.</summary>
public static class TorchThreads
{
    /// <summary>Sets torch's intra-op threads: <paramref name="threads"/> when above 0, else one per core.</summary>
    /// <returns>The number of threads now in use.</returns>
    public static int Use(int threads)
    {
        int n = threads > 0 ? threads : Environment.ProcessorCount;
        torch.set_num_threads(n);
        return n;
    }
}
