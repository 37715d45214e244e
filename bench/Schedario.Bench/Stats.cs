using System.Diagnostics;
using System.Globalization;

namespace Schedario.Bench;

/// <summary>Latency samples in milliseconds and the percentiles the figures are stated in.</summary>
sealed class Samples(string name)
{
    readonly List<double> _ms = [];
    readonly List<string> _inputs = [];

    public string Name { get; } = name;
    public int Count => _ms.Count;

    public void Add(long startTimestamp, string input = "")
    {
        _ms.Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);
        _inputs.Add(input);
    }

    /// <summary>A sample measured elsewhere (e.g. from a start time kept per call).</summary>
    public void AddMs(double ms, string input = "")
    {
        _ms.Add(ms);
        _inputs.Add(input);
    }

    /// <summary>The inputs behind the tail: what to look at with EXPLAIN.</summary>
    public IEnumerable<(string Input, double Ms)> Slowest(int count) =>
        _inputs.Zip(_ms).OrderByDescending(x => x.Second).Take(count);

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        var sorted = _ms.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public double Max => _ms.Max();
    public double Mean => _ms.Average();

    public static void PrintTable(IEnumerable<Samples> rows)
    {
        Console.WriteLine($"{"measure",-34} {"n",6} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9} {"mean ms",9}");
        foreach (var s in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-34} {s.Count,6} {s.Percentile(50),9:0.000} {s.Percentile(95),9:0.000} {s.Percentile(99),9:0.000} {s.Max,9:0.000} {s.Mean,9:0.000}"));
    }
}

static class Machine
{
    /// <summary>What docs/benchmarks.md asks to state next to every figure.</summary>
    public static void Print()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var gib = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} cores, {gib:0.0} GiB, {cpu ?? "unknown CPU"}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; .NET {Environment.Version}"));
    }
}
