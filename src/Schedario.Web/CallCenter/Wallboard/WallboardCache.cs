using System.Collections.Concurrent;

namespace Schedario.Web.CallCenter.Wallboard;

/// <summary>
/// What the wallboard keeps between snapshots on one node, so that a snapshot stays a handful of small
/// reads however long the campaigns' history: the settled part of each abandon window (answered calls
/// older than <see cref="WallboardCache.Boundary"/>, whose result no longer changes), today's closed calls
/// read once and then by id, and the forecasts (a simulation each). Singleton; the database stays the truth.
/// </summary>
public sealed class WallboardCache
{
    /// <summary>Guards every refresh: snapshots of one node refresh the caches one at a time.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    // --- abandon windows: counts over [Start, Boundary), moved forward in small ranges -------------------

    /// <summary>The shared boundary between the cached (settled) and the live part of every abandon window.</summary>
    internal DateTime Boundary { get; set; }
    /// <summary>When the boundary last moved (it moves every <see cref="WallboardService.BoundaryStep"/>).</summary>
    internal DateTime BoundaryMovedAt { get; set; }
    internal Dictionary<int, SettledWindow> Settled { get; } = [];

    internal sealed class SettledWindow
    {
        public DateTime Start;
        public DateTime End;
        public AnswerCounts Counts;
        /// <summary>Last full recount: the incremental counts are recounted from scratch now and then.</summary>
        public DateTime FullAt;
    }

    // --- today's closed calls, per campaign ------------------------------------------------------------

    internal DateTime TallyDay { get; set; } = DateTime.MinValue;
    internal long TallyLastId { get; set; }
    internal HashSet<long> TallySeen { get; } = [];
    internal Dictionary<int, List<ClosedCall>> Tally { get; } = [];

    internal readonly record struct ClosedCall(DateTime EndedAt, bool Contact, bool Positive);

    // --- forecasts ----------------------------------------------------------------------------------------

    internal ConcurrentDictionary<int, CachedForecast> Forecasts { get; } = new();
    /// <summary>Campaigns whose forecast is being redone in the background (the old one is shown meanwhile).</summary>
    internal ConcurrentDictionary<int, byte> ForecastsRunning { get; } = new();

    internal sealed record CachedForecast(DateTime At, int Operators, WallboardForecastDto Value);
}

/// <summary>Answered calls of a range: all of them, the abandoned ones, the machines.</summary>
public readonly record struct AnswerCounts(int Answered, int Abandoned, int Machines)
{
    public int Person => Answered - Machines;
    public static AnswerCounts operator +(AnswerCounts a, AnswerCounts b) => new(a.Answered + b.Answered, a.Abandoned + b.Abandoned, a.Machines + b.Machines);
    public static AnswerCounts operator -(AnswerCounts a, AnswerCounts b) => new(a.Answered - b.Answered, a.Abandoned - b.Abandoned, a.Machines - b.Machines);
}
