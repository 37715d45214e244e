using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// Wall time per import stage, summed over the batches and logged when the import ends, so a
/// slow import says where its time went. Stages overlap (they run on different tasks): the
/// sums are per stage, not shares of the total.
/// </summary>
public sealed class StageClock
{
    readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);

    public static long Now() => Stopwatch.GetTimestamp();

    public void Add(string stage, long startedAt) =>
        _ticks.AddOrUpdate(stage, Stopwatch.GetTimestamp() - startedAt, (_, t) => t + (Stopwatch.GetTimestamp() - startedAt));

    public TimeSpan this[string stage] => _ticks.TryGetValue(stage, out var t) ? Stopwatch.GetElapsedTime(0, t) : TimeSpan.Zero;

    public override string ToString() => string.Join(", ", _ticks.OrderBy(k => k.Key, StringComparer.Ordinal)
        .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {Stopwatch.GetElapsedTime(0, k.Value).TotalSeconds:0.0} s")));
}
