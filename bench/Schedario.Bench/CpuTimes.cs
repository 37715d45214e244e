using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Schedario.Bench;

/// <summary>
/// CPU seconds used by this process and by the PostgreSQL server (postmaster, its live children
/// and the children it has reaped), read from /proc: on 2 cores, whose CPU an import spends
/// says what to make cheaper. The server is found by the port of the bench database.
/// </summary>
sealed record CpuTimes(double Bench, double Server, TimeSpan GcPause, long Allocated, int Gen0, int Gen1, int Gen2)
{
    static readonly double Tick = 100.0; // USER_HZ on Linux

    public static CpuTimes Take(BenchDatabase database)
    {
        var bench = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var server = double.NaN;
        if (database.Provider == BenchProvider.Postgres && OperatingSystem.IsLinux())
        {
            try { server = ServerSeconds(new NpgsqlConnectionStringBuilder(database.ConnectionString).Port); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return new CpuTimes(bench, server, GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    public string Since(CpuTimes before, TimeSpan wall) => string.Create(CultureInfo.InvariantCulture,
        $"cpu: bench {Bench - before.Bench:0.0} s, postgres {Server - before.Server:0.0} s, wall {wall.TotalSeconds:0.0} s (2 cores = {2 * wall.TotalSeconds:0} core-seconds); " +
        $"gc: paused {(GcPause - before.GcPause).TotalSeconds:0.0} s, allocated {(Allocated - before.Allocated) / 1e9:0.0} GB, collections {Gen0 - before.Gen0}/{Gen1 - before.Gen1}/{Gen2 - before.Gen2}");

    static double ServerSeconds(int port)
    {
        var stats = new List<(int Pid, int Parent, string[] Fields)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after "(comm)": state is field 3; ppid 4; utime 14, stime 15, cutime 16, cstime 17.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                stats.Add((pid, int.Parse(rest[1], CultureInfo.InvariantCulture), rest));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var postmaster = stats.FirstOrDefault(s =>
        {
            try
            {
                var cmd = File.ReadAllText($"/proc/{s.Pid}/cmdline").Split('\0');
                return cmd[0].EndsWith("/postgres", StringComparison.Ordinal) && cmd.Contains(port.ToString(CultureInfo.InvariantCulture));
            }
            catch (IOException) { return false; }
        });
        if (postmaster.Fields is null) return double.NaN;
        double Field(string[] f, int n) => double.Parse(f[n - 3], CultureInfo.InvariantCulture) / Tick;
        var total = Field(postmaster.Fields, 14) + Field(postmaster.Fields, 15) + Field(postmaster.Fields, 16) + Field(postmaster.Fields, 17);
        foreach (var child in stats.Where(s => s.Parent == postmaster.Pid))
            total += Field(child.Fields, 14) + Field(child.Fields, 15);
        return total;
    }
}
