using Microsoft.EntityFrameworkCore;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;

namespace Schedario.Web.CallCenter.Wallboard;

/// <summary>
/// Reads the wallboard: operators by state, the dialer campaigns (running or why not, dial level, calls
/// ringing / waiting / talking, abandon rate now and over the campaign's window, contacts and positives
/// per hour, forecast) and inbound calls. A snapshot is a handful of aggregate queries on the dialer's
/// indexes; the parts whose history grows (abandon windows of days, today's closed calls, the forecast's
/// simulation) come from <see cref="WallboardCache"/> and are read again in small ranges.
/// </summary>
public sealed class WallboardService(SchedarioDb db, TimeProvider clock, WallboardCache cache)
{
    /// <summary>A runner whose heartbeat is older than this is not running (it beats about every second).</summary>
    public static readonly TimeSpan RunnerStaleAfter = TimeSpan.FromSeconds(10);

    /// <summary>How often the settled part of the abandon windows moves forward (and the rolling windows' start with it).</summary>
    public static readonly TimeSpan BoundaryStep = TimeSpan.FromSeconds(30);

    /// <summary>The incremental counts are recounted from scratch this often (a deleted or late row heals).</summary>
    public static readonly TimeSpan FullRecount = TimeSpan.FromMinutes(15);

    /// <summary>A forecast (a simulation) is reused this long, unless the operators changed and it is older than 10 s.</summary>
    public static readonly TimeSpan ForecastFor = TimeSpan.FromSeconds(45);

    /// <summary>Closed calls are read by id; this many ids back are read again, for rows committed out of id order.</summary>
    const int TallyLookback = 200;

    /// <summary>Calling hours assumed for the forecast when the campaign sets none.</summary>
    static readonly (TimeOnly From, TimeOnly To) DefaultHours = (new(9, 0), new(17, 0));

    sealed record Camp(
        int Id, string Code, string Name, DialMode DialMode, bool DialerActive, DateTime? DialerStartedAt, bool Retired,
        double AbandonLimitPercent, AbandonWindow AbandonWindow, CallingDays CallingDays, TimeOnly? CallFrom, TimeOnly? CallTo, int MaxAttempts,
        int HangUpAfterSeconds, DialerRunnerState? Runner);

    public async Task<WallboardDto> SnapshotAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var dayStart = LocalDayStart(now);

        var operators = await db.OperatorPresence().AsNoTracking()
            .Where(p => p.BarOpenUntil > now || p.State == OperatorState.OnCall || p.State == OperatorState.Ringing)
            .Select(p => new { p.UserId, p.UserName, p.State, p.PauseReason, p.StateSince, p.DialerCampaignId })
            .ToListAsync(ct);

        // The dialer's campaigns: started, or dialed today, or with calls in flight, or with operators on them.
        var campaigns = await (
            from c in db.Campaigns().AsNoTracking()
            join r in db.DialerRunnerStates().AsNoTracking() on c.Id equals r.CampaignId into rr
            from r in rr.DefaultIfEmpty()
            where c.DialerActive
                || (r != null && r.HeartbeatAt >= dayStart)
                || db.DialerCalls().Any(d => d.CampaignId == c.Id && d.State != DialerCallState.Ended)
                || db.DialerCalls().Any(d => d.CampaignId == c.Id && d.AnsweredAt >= dayStart)
                || db.OperatorPresence().Any(p => p.DialerCampaignId == c.Id && p.BarOpenUntil > now)
            orderby c.Code
            select new Camp(c.Id, c.Code, c.Name, c.DialMode, c.DialerActive, c.DialerStartedAt, c.Retired, c.AbandonLimitPercent, c.AbandonWindow,
                c.CallingDays, c.CallFrom, c.CallTo, c.MaxAttempts, c.HangUpAfterSeconds, r)).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();

        var inFlight = ids.Count == 0 ? [] : await db.DialerCalls().AsNoTracking()
            .Where(d => ids.Contains(d.CampaignId) && d.State != DialerCallState.Ended)
            .GroupBy(d => new { d.CampaignId, d.State })
            .Select(g => new { g.Key.CampaignId, g.Key.State, N = g.Count() })
            .ToListAsync(ct);

        var since = now.AddHours(-12);
        var inbound = await db.Set<TelephonyCall>().AsNoTracking()
            .Where(t => (t.State == TelephonyCallState.Ringing || t.State == TelephonyCallState.Answered) && t.Direction == CallDirection.Inbound && t.CreatedAt >= since)
            .GroupBy(t => t.State).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);

        var abandon = await AbandonAsync(campaigns, now, dayStart, ct);
        var outcomes = await OutcomesAsync(ids, now, dayStart, ct);

        var codes = campaigns.ToDictionary(c => c.Id, c => c.Code);
        var ops = operators
            .Select(o => new WallboardOperatorDto(o.UserId, o.UserName, o.State.ToString(), o.PauseReason, o.StateSince,
                (int)Math.Max(0, (now - o.StateSince).TotalSeconds), o.DialerCampaignId,
                o.DialerCampaignId is { } cid && codes.TryGetValue(cid, out var code) ? code : null))
            .OrderBy(o => StateOrder(o.State)).ThenByDescending(o => o.SecondsInState).ThenBy(o => o.UserName, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var rows = new List<WallboardCampaignDto>(campaigns.Count);
        foreach (var c in campaigns)
        {
            int Count(params DialerCallState[] states) => inFlight.Where(f => f.CampaignId == c.Id && states.Contains(f.State)).Sum(f => f.N);
            var joined = operators.Where(o => o.DialerCampaignId == c.Id && o.State != OperatorState.Offline).ToList();
            var running = c.Runner is { } r && now - r.HeartbeatAt <= RunnerStaleAfter;
            var (hold, message) = Why(c, running, now);
            var (lastHour, window) = abandon[c.Id];
            var forecast = await ForecastAsync(c, joined.Count, now, ct);
            rows.Add(new WallboardCampaignDto(
                c.Id, c.Code, c.Name, c.DialMode.ToString(), c.DialerActive, c.DialerStartedAt,
                running, c.Runner?.NodeId, c.Runner?.HeartbeatAt, hold is null, hold, message,
                running ? c.Runner!.DialLevel : 0,
                Count(DialerCallState.Placing, DialerCallState.Ringing), Count(DialerCallState.Waiting), Count(DialerCallState.Connected),
                joined.Count(o => o.State == OperatorState.Ready), joined.Count,
                c.AbandonLimitPercent, c.AbandonWindow.ToString(),
                Rate(lastHour, c.AbandonLimitPercent), Rate(window, c.AbandonLimitPercent),
                outcomes.TryGetValue(c.Id, out var o) ? o : Empty, forecast,
                c.DialMode == DialMode.Predictive ? c.HangUpAfterSeconds : 0,
                c.Runner is { } state && state.HeartbeatAt >= dayStart ? state.HungUpToday : 0));
        }

        var open = operators.Where(o => o.State != OperatorState.Offline).ToList();
        int In(TelephonyCallState s) => inbound.Where(i => i.Key == s).Sum(i => i.N);
        var totals = new WallboardTotals(
            operators.Count,
            open.Count(o => o.State == OperatorState.Ready), open.Count(o => o.State == OperatorState.Paused),
            open.Count(o => o.State == OperatorState.Ringing), open.Count(o => o.State == OperatorState.OnCall), open.Count(o => o.State == OperatorState.WrapUp),
            rows.Sum(r => r.Ringing) + In(TelephonyCallState.Ringing), rows.Sum(r => r.Waiting), rows.Sum(r => r.Talking) + In(TelephonyCallState.Answered));
        return new WallboardDto(now, totals, ops, rows, new WallboardInboundDto(In(TelephonyCallState.Ringing), In(TelephonyCallState.Answered)));
    }

    static readonly WallboardOutcomes Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    static int StateOrder(string state) => state switch
    {
        nameof(OperatorState.OnCall) => 0,
        nameof(OperatorState.Ringing) => 1,
        nameof(OperatorState.WrapUp) => 2,
        nameof(OperatorState.Ready) => 3,
        nameof(OperatorState.Paused) => 4,
        _ => 5,
    };

    /// <summary>The server's local midnight (calling days and hours are the call center's local time, as on the desk), in UTC.</summary>
    DateTime LocalDayStart(DateTime utcNow)
    {
        var tz = clock.LocalTimeZone;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, tz);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local.Date, DateTimeKind.Unspecified), tz);
    }

    static WallboardAbandon Rate(AnswerCounts c, double limit)
    {
        double? rate = c.Person > 0 ? Math.Round(100.0 * c.Abandoned / c.Person, 2) : null;
        return new WallboardAbandon(c.Abandoned, c.Person, c.Machines, rate, rate > limit);
    }

    // --- why nothing is dialed ---------------------------------------------------------------------------

    /// <summary>The pacer's "hold" values that still mean calls are being placed: the lines are simply full.</summary>
    static readonly string[] DialingHolds = ["", "None", nameof(PacingHold.LinesFull)];

    (string? Hold, string? Message) Why(Camp c, bool running, DateTime now)
    {
        if (c.Retired) return ("Retired", "Campagna obsoleta: il dialer non la chiama.");
        // A campaign a supervisor stopped is not one nobody started: say which (DialerStartedAt stays after a stop).
        if (!c.DialerActive)
            return c.DialerStartedAt is null
                ? ("NotStarted", "Dialer non avviato: un supervisore deve avviarlo dalla campagna.")
                : ("Stopped", "Dialer fermato da un supervisore: nessuna nuova chiamata finché non viene riavviato.");
        if (c.Runner is not { } r)
            return ("NotRunning", "Dialer avviato ma non in esecuzione: nessun nodo ha ancora preso la campagna.");
        if (!running)
            return ("NotRunning", $"Dialer avviato ma non in esecuzione: ultimo segnale dal nodo {r.NodeId} {Ago(now - r.HeartbeatAt)} fa.");
        if (DialingHolds.Contains(r.Hold)) return (null, null);
        return (r.Hold, string.IsNullOrWhiteSpace(r.HoldMessage) ? HoldText(r.Hold) : r.HoldMessage);
    }

    static string Ago(TimeSpan t) =>
        t.TotalMinutes < 1 ? $"{(int)t.TotalSeconds} s" : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min" : $"{(int)t.TotalHours} h {t.Minutes} min";

    /// <summary>Words for the runner's hold codes when it left none of its own.</summary>
    public static string HoldText(string hold) => hold switch
    {
        nameof(PacingHold.NoOperatorsLoggedIn) => "Nessun operatore collegato alla campagna.",
        nameof(PacingHold.NoReadyOperators) => "Nessun operatore pronto: tutti in pausa, al telefono o in chiusura.",
        nameof(PacingHold.ListExhausted) => "Lista esaurita: nessun nominativo chiamabile ora (tentativi, ritardi, richiami non ancora dovuti).",
        nameof(PacingHold.AbandonBudgetSpent) => "Budget di chiamate abbandonate esaurito: il tasso è al limite della campagna.",
        nameof(PacingHold.OutsideCallingHours) => "Fuori dall'orario o dai giorni di chiamata della campagna.",
        _ => $"In attesa: {hold}.",
    };

    // --- abandon rate ------------------------------------------------------------------------------------

    /// <summary>
    /// Per campaign: the last hour, and the campaign's window. A window is its settled part (answered before
    /// the shared boundary, about an hour ago, cached and moved forward in 30 s steps by two small range
    /// reads) plus one live query over the last hour or so for all campaigns.
    /// </summary>
    async Task<Dictionary<int, (AnswerCounts LastHour, AnswerCounts Window)>> AbandonAsync(List<Camp> campaigns, DateTime now, DateTime dayStart, CancellationToken ct)
    {
        var result = new Dictionary<int, (AnswerCounts, AnswerCounts)>();
        if (campaigns.Count == 0) return result;
        var hourAgo = now.AddHours(-1);
        DateTime boundary;
        var settled = new Dictionary<int, AnswerCounts>();
        await cache.Gate.WaitAsync(ct);
        try
        {
            if (cache.BoundaryMovedAt == default || now - cache.BoundaryMovedAt >= BoundaryStep || cache.Boundary > hourAgo)
            {
                cache.BoundaryMovedAt = now;
                cache.Boundary = hourAgo;
            }
            boundary = cache.Boundary;
            foreach (var c in campaigns)
            {
                var start = WindowStart(c.AbandonWindow, cache.BoundaryMovedAt, dayStart);
                if (start >= boundary) { settled[c.Id] = default; continue; }
                cache.Settled.TryGetValue(c.Id, out var w);
                if (w is not null && w.Start == start && w.End == boundary) { settled[c.Id] = w.Counts; continue; }
                if (w is not null && start >= w.Start && start <= w.End && boundary >= w.End && now - w.FullAt < FullRecount)
                {
                    w.Counts = w.Counts - await RangeAsync(c.Id, w.Start, start, ct) + await RangeAsync(c.Id, w.End, boundary, ct);
                    (w.Start, w.End) = (start, boundary);
                }
                else
                {
                    w = new WallboardCache.SettledWindow { Start = start, End = boundary, Counts = await RangeAsync(c.Id, start, boundary, ct), FullAt = now };
                    cache.Settled[c.Id] = w;
                }
                settled[c.Id] = w.Counts;
            }
        }
        finally { cache.Gate.Release(); }

        // One live read for every campaign: since the boundary, the last hour, and today (for a day window younger than the boundary).
        var ids = campaigns.Select(c => c.Id).ToList();
        var dayCut = dayStart > boundary ? dayStart : boundary;
        var live = await db.DialerCalls().AsNoTracking()
            .Where(d => ids.Contains(d.CampaignId) && d.AnsweredAt >= boundary)
            .GroupBy(d => d.CampaignId)
            .Select(g => new
            {
                g.Key,
                All = g.Count(), AllAbandoned = g.Count(d => d.Result == DialerCallResult.Abandoned), AllMachines = g.Count(d => d.Result == DialerCallResult.Machine),
                Hour = g.Count(d => d.AnsweredAt >= hourAgo),
                HourAbandoned = g.Count(d => d.AnsweredAt >= hourAgo && d.Result == DialerCallResult.Abandoned),
                HourMachines = g.Count(d => d.AnsweredAt >= hourAgo && d.Result == DialerCallResult.Machine),
                Day = g.Count(d => d.AnsweredAt >= dayCut),
                DayAbandoned = g.Count(d => d.AnsweredAt >= dayCut && d.Result == DialerCallResult.Abandoned),
                DayMachines = g.Count(d => d.AnsweredAt >= dayCut && d.Result == DialerCallResult.Machine),
            }).ToListAsync(ct);
        foreach (var c in campaigns)
        {
            var l = live.FirstOrDefault(x => x.Key == c.Id);
            var sinceBoundary = l is null ? default : new AnswerCounts(l.All, l.AllAbandoned, l.AllMachines);
            var hour = l is null ? default : new AnswerCounts(l.Hour, l.HourAbandoned, l.HourMachines);
            var start = WindowStart(c.AbandonWindow, cache.BoundaryMovedAt, dayStart);
            var window = start >= boundary
                ? (l is null ? default : new AnswerCounts(l.Day, l.DayAbandoned, l.DayMachines))
                : settled[c.Id] + sinceBoundary;
            result[c.Id] = (hour, window);
        }
        return result;
    }

    /// <summary>Where a campaign's abandon window starts. Rolling windows move with the boundary (30 s steps), so the cached part moves once per step.</summary>
    static DateTime WindowStart(AbandonWindow window, DateTime anchor, DateTime dayStart) => window switch
    {
        AbandonWindow.Day => dayStart,
        AbandonWindow.Rolling24h => anchor.AddHours(-24),
        AbandonWindow.Days30 => anchor.AddDays(-30),
        _ => DateTime.MinValue, // the whole campaign
    };

    /// <summary>Answered calls of one campaign in [from, to): an index range on (CampaignId, AnsweredAt).</summary>
    async Task<AnswerCounts> RangeAsync(int campaignId, DateTime from, DateTime to, CancellationToken ct)
    {
        if (from >= to) return default;
        var q = db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId && d.AnsweredAt < to);
        q = from == DateTime.MinValue ? q.Where(d => d.AnsweredAt != null) : q.Where(d => d.AnsweredAt >= from);
        var row = await q.GroupBy(d => d.CampaignId)
            .Select(g => new { All = g.Count(), Abandoned = g.Count(d => d.Result == DialerCallResult.Abandoned), Machines = g.Count(d => d.Result == DialerCallResult.Machine) })
            .FirstOrDefaultAsync(ct);
        return row is null ? default : new AnswerCounts(row.All, row.Abandoned, row.Machines);
    }

    // --- contacts and positives ----------------------------------------------------------------------------

    /// <summary>
    /// Today's closed calls per campaign, from <see cref="WallboardCache"/>: read once (today's rows), then
    /// only the rows with a newer id (the primary key), a few ids back for transactions that committed late.
    /// </summary>
    async Task<Dictionary<int, WallboardOutcomes>> OutcomesAsync(List<int> ids, DateTime now, DateTime dayStart, CancellationToken ct)
    {
        var result = new Dictionary<int, WallboardOutcomes>();
        await cache.Gate.WaitAsync(ct);
        try
        {
            if (cache.TallyDay == DateTime.MinValue || dayStart < cache.TallyDay)
            {
                // First read on this node (or the clock went back): today's rows, once.
                cache.Tally.Clear();
                cache.TallySeen.Clear();
                cache.TallyLastId = await db.Calls().MaxAsync(c => (long?)c.Id, ct) ?? 0;
                var last = cache.TallyLastId;
                Add(await Closed(db.Calls().Where(c => c.EndedAt >= dayStart && c.Id <= last)).ToListAsync(ct), dayStart);
                cache.TallyDay = dayStart;
            }
            else if (dayStart > cache.TallyDay)
            {
                // A new day: yesterday's rows go.
                foreach (var list in cache.Tally.Values) list.RemoveAll(e => e.EndedAt < dayStart);
                cache.TallySeen.Clear();
                cache.TallyDay = dayStart;
            }
            var from = cache.TallyLastId - TallyLookback;
            var fresh = await Closed(db.Calls().Where(c => c.Id > from)).ToListAsync(ct);
            Add(fresh, dayStart);
            if (fresh.Count > 0) cache.TallyLastId = Math.Max(cache.TallyLastId, fresh.Max(f => f.Id));

            var hourAgo = now.AddHours(-1);
            foreach (var id in ids)
            {
                if (!cache.Tally.TryGetValue(id, out var list) || list.Count == 0) continue;
                var hour = list.Where(e => e.EndedAt >= hourAgo).ToList();
                var first = list.Min(e => e.EndedAt);
                var hours = Math.Max(1, (now - first).TotalHours);
                int contacts = list.Count(e => e.Contact), positives = list.Count(e => e.Positive);
                result[id] = new WallboardOutcomes(hour.Count, hour.Count(e => e.Contact), hour.Count(e => e.Positive),
                    list.Count, contacts, positives, Math.Round(contacts / hours, 1), Math.Round(positives / hours, 1));
            }
        }
        finally { cache.Gate.Release(); }
        return result;
    }

    sealed record ClosedRow(long Id, int CampaignId, DateTime EndedAt, bool Contact, bool Positive);

    IQueryable<ClosedRow> Closed(IQueryable<Call> calls) =>
        from c in calls.AsNoTracking()
        join o in db.Outcomes().AsNoTracking() on c.OutcomeId equals o.Id
        select new ClosedRow(c.Id, c.CampaignId, c.EndedAt, o.PersonReached, o.Category == OutcomeCategory.PositiveClosed);

    void Add(List<ClosedRow> rows, DateTime dayStart)
    {
        foreach (var r in rows)
        {
            if (r.EndedAt < dayStart || !cache.TallySeen.Add(r.Id)) continue;
            if (!cache.Tally.TryGetValue(r.CampaignId, out var list)) cache.Tally[r.CampaignId] = list = [];
            list.Add(new WallboardCache.ClosedCall(r.EndedAt, r.Contact, r.Positive));
        }
    }

    // --- forecast ------------------------------------------------------------------------------------------

    async Task<WallboardForecastDto?> ForecastAsync(Camp c, int operators, DateTime now, CancellationToken ct)
    {
        if (cache.Forecasts.TryGetValue(c.Id, out var hit) && now - hit.At < ForecastFor && now >= hit.At
            && (hit.Operators == operators || now - hit.At < TimeSpan.FromSeconds(10)))
            return hit.Value;

        var open = await db.CampaignEntries().AsNoTracking()
            .Where(e => e.CampaignId == c.Id && (e.State == EntryState.ToCall || e.State == EntryState.Callback))
            .GroupBy(e => e.CampaignId)
            .Select(g => new { Names = g.LongCount(), Attempts = g.Average(e => (double)e.Attempts) })
            .FirstOrDefaultAsync(ct);
        var names = open?.Names ?? 0;
        WallboardForecastDto value;
        if (names == 0)
            value = new(0, operators, 0, 0, now, now, "Nessun nominativo da lavorare: lista esaurita.");
        else if (operators == 0)
            value = new(names, 0, 0, 0, null, now, "Nessun operatore collegato: nessuna previsione.");
        else
        {
            var attemptsLeft = c.MaxAttempts <= 0 ? 5 : Math.Max(1, (int)Math.Round(c.MaxAttempts - (open?.Attempts ?? 0)));
            var learned = c.Runner is { LearnedAnswerRate: > 0 } r ? r.LearnedAnswerRate : 0.30;
            var (from, to) = c.CallFrom is { } f && c.CallTo is { } t && t > f ? (f, t) : DefaultHours;
            var perDay = (to - from).TotalHours;
            var tz = clock.LocalTimeZone;
            // A simulation of an hour per seed (tens of milliseconds): off the request's thread, and cached.
            WallboardForecastDto Compute()
            {
                var estimate = DialerForecast.Estimate(operators, names, attemptsLeft, new DialerStats(priorPersonRate: learned, priorWeight: 1000), perDay,
                    hangUpAfterSeconds: c.DialMode == DialMode.Predictive && c.HangUpAfterSeconds > 0 ? c.HangUpAfterSeconds : null);
                var ends = double.IsFinite(estimate.CallingHours) ? AddCallingHours(tz, now, estimate.CallingHours, c.CallingDays, from, to) : null;
                return new(names, operators, Math.Round(estimate.CallingHours, 2), Math.Round(estimate.AttemptsPerHour, 1), ends, now,
                    ends is null ? "Nessun giorno di chiamata nei prossimi mesi: nessuna previsione." : null);
            }
            // Only aged, with the same operators: show the previous one while the new one is computed in the background.
            if (hit is not null && hit.Operators == operators && hit.Value.EndsAt is not null && now >= hit.At)
            {
                if (cache.ForecastsRunning.TryAdd(c.Id, 0))
                    _ = Task.Run(() =>
                    {
                        try { cache.Forecasts[c.Id] = new WallboardCache.CachedForecast(now, operators, Compute()); }
                        finally { cache.ForecastsRunning.TryRemove(c.Id, out _); }
                    }, CancellationToken.None);
                return hit.Value;
            }
            value = await Task.Run(Compute, ct);
        }
        cache.Forecasts[c.Id] = new WallboardCache.CachedForecast(now, operators, value);
        return value;
    }

    /// <summary>Walks the campaign's calling days and hours (local time) from now until <paramref name="hours"/> of calling are spent.</summary>
    static DateTime? AddCallingHours(TimeZoneInfo tz, DateTime utcNow, double hours, CallingDays days, TimeOnly from, TimeOnly to)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, tz);
        var left = TimeSpan.FromHours(hours);
        for (var i = 0; i < 400; i++)
        {
            var day = local.Date.AddDays(i);
            if ((days & (CallingDays)(1 << (((int)day.DayOfWeek + 6) % 7))) == 0) continue;
            var start = day + from.ToTimeSpan();
            var end = day + to.ToTimeSpan();
            if (i == 0 && local > start) start = local;
            if (start >= end) continue;
            if (end - start >= left)
            {
                var at = DateTime.SpecifyKind(start + left, DateTimeKind.Unspecified);
                try { return TimeZoneInfo.ConvertTimeToUtc(at, tz); }
                catch (ArgumentException) { return TimeZoneInfo.ConvertTimeToUtc(at.AddHours(1), tz); } // in the hour a DST change skips
            }
            left -= end - start;
        }
        return null;
    }
}
