using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>
/// The dialer of one power or predictive campaign on this node: it holds the campaign (a PostgreSQL
/// advisory lock, so no other node runs it) and, every tick or when the PBX reports, follows its calls in
/// flight, connects answered people to the longest idle ready operator (or abandons with the message
/// after the grace), asks the pacer how many calls to launch, claims that many names and places them.
/// Everything it knows about calls is in <c>dialer_calls</c> and <c>telephony_calls</c>, so a runner
/// taking over after a node died carries on from the database; only the learner starts again (warmed
/// from the campaign's recent calls).
/// </summary>
sealed class CampaignDialer(
    int campaignId,
    DbConnection? lockConnection,
    IServiceScopeFactory scopes,
    ITelephonyGateway gateway,
    ICallCenterBus bus,
    TimeProvider clock,
    DialerOptions options,
    ILogger log,
    DialerMetrics? metrics = null) : IAsyncDisposable
{
    public int CampaignId => campaignId;
    /// <summary>The lease holder written on names the dialer is calling.</summary>
    public string Holder { get; } = "dialer:" + campaignId;

    readonly SemaphoreSlim wake = new(0, 1);
    readonly CancellationTokenSource stop = new();
    readonly DialerStats stats = new();
    IPacer? pacer;
    (DialMode Mode, double Lines) pacerSettings;
    Dictionary<string, Outcome> outcomes = new(StringComparer.Ordinal);
    long numbersLeft = long.MaxValue;
    DateTime numbersCountedAt;
    string lastPublished = "";
    // Calls hung up unanswered today, for the wallboard: counted from the database when the runner starts, then kept.
    int hungUpToday;
    DateTime hungUpDayStart;
    DateTime lastStateWrite;
    Task? loop;

    public Task Completion => loop ?? Task.CompletedTask;

    /// <summary>What this runner has learned of the campaign's calls (for the tests; not thread-safe).</summary>
    internal DialerStats Learner => stats;

    public void Start() => loop = Task.Run(() => RunAsync(stop.Token));

    /// <summary>A PBX event for one of this node's calls: look now instead of at the next tick.</summary>
    public void Wake()
    {
        try { if (wake.CurrentCount == 0) wake.Release(); }
        catch (SemaphoreFullException) { }
        catch (ObjectDisposedException) { }
    }

    async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await WarmUpAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                bool keep;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                try { keep = await TickAsync(ct); metrics?.Tick(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
                catch (LockLostException) { log.LogWarning("Dialer of campaign {Campaign}: lost its lock, stopping here", campaignId); break; }
                catch (Exception ex)
                {
                    log.LogError(ex, "Dialer of campaign {Campaign}: tick failed", campaignId);
                    keep = true;
                }
                if (!keep) break;
                try { await wake.WaitAsync(TimeSpan.FromMilliseconds(options.TickMilliseconds), ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) { log.LogError(ex, "Dialer of campaign {Campaign} stopped on an error", campaignId); }
    }

    /// <summary>
    /// The outcome table, the learner fed with the campaign's last calls (a runner taking over starts informed),
    /// and every statement of a tick run once with no effect: a fresh process compiles and plans them here,
    /// not while a person who answered waits for an operator (the first connect of a cold node took ~1 s).
    /// </summary>
    async Task WarmUpAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var campaign = await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
            await InFlightAsync(db, ct);
            await TeamAsync(db, now, ct);
            if (campaign is not null)
            {
                await WindowAsync(db, campaign, now, ct);
                await CountDialableAsync(db, campaign, now, ct);
            }
            await db.WithConnectionAsync(async conn =>
            {
                var sql = db.Provider == DatabaseProvider.Postgres ? DialerSql.ClaimOperatorPostgres : DialerSql.ClaimOperatorSqlite;
                // Campaign -1 has no operators: the statement runs and changes nothing.
                await using var cmd = conn.CreateCommand(sql, ("cid", -1), ("now", now), ("call", 0L));
                return await cmd.ExecuteNonQueryAsync(ct);
            }, ct);
            await db.DialerCalls().Where(d => d.Id == -1).ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.Ended), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException) { log.LogInformation(ex, "Dialer of campaign {Campaign}: warm-up failed", campaignId); }
        outcomes = await db.Outcomes().AsNoTracking().Where(o => o.Active).ToDictionaryAsync(o => o.Code, StringComparer.Ordinal, ct);
        hungUpDayStart = WindowStart(AbandonWindow.Day, clock.GetUtcNow().UtcDateTime, clock);
        hungUpToday = await db.DialerCalls().AsNoTracking()
            .CountAsync(d => d.CampaignId == campaignId && d.State == DialerCallState.Ended && d.Cause == HungUpCause && d.EndedAt >= hungUpDayStart, ct);
        var recent = await db.DialerCalls().AsNoTracking()
            .Where(d => d.CampaignId == campaignId && d.State == DialerCallState.Ended && d.Result != DialerCallResult.NotPlaced)
            .OrderByDescending(d => d.Id).Take(2000)
            .Select(d => new { d.Result, d.Cause, d.PlacedAt, d.AnsweredAt, d.ConnectedAt, d.EndedAt }).ToListAsync(ct);
        foreach (var d in Enumerable.Reverse(recent))
        {
            var end = d.AnsweredAt ?? d.EndedAt ?? d.PlacedAt;
            var seconds = (end - d.PlacedAt).TotalSeconds;
            if (d is { Result: DialerCallResult.NoAnswer, Cause: HungUpCause }) stats.RecordHungUp(seconds);
            else stats.RecordResult(ToCallResult(d.Result), seconds);
            if (d is { Result: DialerCallResult.Talked, ConnectedAt: { } c, EndedAt: { } e }) stats.RecordTalk((e - c).TotalSeconds);
        }
        // Wrap-ups: from the end of each recent talk to the operator's close of that name on the desk.
        var wrapUps = await (
            from d in db.DialerCalls().AsNoTracking()
            where d.CampaignId == campaignId && d.Result == DialerCallResult.Talked && d.EndedAt != null && d.OperatorUserId != null
            orderby d.Id descending
            select new { d.Id, d.EndedAt, Closed = db.Calls().Where(c => c.EntryId == d.EntryId && c.OperatorUserId == d.OperatorUserId && c.EndedAt >= d.EndedAt)
                .OrderBy(c => c.EndedAt).Select(c => (DateTime?)c.EndedAt).FirstOrDefault() })
            .Take(500).ToListAsync(ct);
        foreach (var w in Enumerable.Reverse(wrapUps))
            if (w is { Closed: { } closed, EndedAt: { } talkEnd } && closed - talkEnd < TimeSpan.FromMinutes(15))
                stats.RecordWrapUp((closed - talkEnd).TotalSeconds);
    }

    /// <summary>The cause written on a call the dialer hung up while it rang (ADR 0021).</summary>
    internal const string HungUpCause = "dialer-hung-up";

    static CallResult ToCallResult(DialerCallResult r) => r switch
    {
        DialerCallResult.Talked or DialerCallResult.Abandoned => CallResult.Person,
        DialerCallResult.Machine => CallResult.Machine,
        DialerCallResult.NoAnswer => CallResult.NoAnswer,
        _ => CallResult.Failed,
    };

    /// <summary>One look at the campaign. False when the runner should end (stopped and nothing left in flight).</summary>
    async Task<bool> TickAsync(CancellationToken ct)
    {
        await CheckLockAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var campaign = await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null) return false;

        var inFlight = await InFlightAsync(db, ct);
        foreach (var call in inFlight.OrderBy(c => c.Call.AnsweredAt ?? DateTime.MaxValue).ThenBy(c => c.Call.Id))
            await AdvanceAsync(db, campaign, call, ct);
        var live = await db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId && d.State != DialerCallState.Ended)
            .Select(d => new { d.State, d.PlacedAt }).ToListAsync(ct);

        now = clock.GetUtcNow().UtcDateTime;
        var gate = await GateAsync(scope.ServiceProvider, db, campaign, ct);
        var team = await TeamAsync(db, now, ct);
        var window = await WindowAsync(db, campaign, now, ct);
        var limit = campaign.AbandonLimitPercent / 100;

        var decision = PacingDecision.None(gate?.Hold ?? PacingHold.None);
        if (gate is null)
        {
            if (now - numbersCountedAt > TimeSpan.FromSeconds(5) || numbersLeft < 50)
            {
                numbersLeft = await CountDialableAsync(db, campaign, now, ct);
                numbersCountedAt = now;
            }
            var ringing = live.Where(l => l.State is DialerCallState.Placing or DialerCallState.Ringing)
                .Select(l => Math.Max(0, (now - l.PlacedAt).TotalSeconds)).ToArray();
            var snapshot = new PacingSnapshot
            {
                Now = now,
                OperatorsReady = team.Ready,
                OperatorsPreparing = team.Preparing,
                TalkingSeconds = team.Talking,
                WrapUpSeconds = team.WrapUp,
                RingingSeconds = ringing,
                CallsWaiting = live.Count(l => l.State == DialerCallState.Waiting),
                NumbersLeft = numbersLeft,
                WindowAnswered = window.Answered,
                WindowAbandoned = window.Abandoned,
                AbandonLimit = limit,
                AbandonAfterSeconds = campaign.AbandonAfterSeconds,
                HangUpAfterSeconds = campaign.HangUpAfterSeconds > 0 ? campaign.HangUpAfterSeconds : null,
                CallingTimeLeft = CallingTimeLeft(campaign),
                Stats = stats,
            };
            decision = Pacer(campaign).Decide(snapshot);
            if (log.IsEnabled(LogLevel.Debug))
                log.LogDebug("Dialer of campaign {Campaign}: ready {Ready}, talking {Talking}, wrap-up {WrapUp}, ringing {Ringing}, waiting {Waiting}, window {Abandoned}/{Answered}, θ {Theta:0.0000} → launch {Launch} ({Hold})",
                    campaignId, team.Ready, team.Talking.Length, team.WrapUp.Length, ringing.Length, snapshot.CallsWaiting, window.Abandoned, window.Answered,
                    (pacer as PredictivePacer)?.Theta ?? double.NaN, decision.Launch, decision.Hold);
            if (decision.HangUp > 0) await HangUpAsync(db, campaign, decision.HangUp, now, ct);
            if (decision.Launch > 0)
            {
                var placed = await LaunchAsync(db, campaign, decision.Launch, ct);
                if (placed > 0) numbersLeft = Math.Max(0, numbersLeft - placed);
            }
        }

        var stillInFlight = await db.DialerCalls().CountAsync(d => d.CampaignId == campaignId && d.State != DialerCallState.Ended, ct);
        var hold = gate?.Hold.ToString() ?? (decision.Launch == 0 && stillInFlight == 0 ? decision.Hold.ToString() : PacingHold.None.ToString());
        var message = gate?.Message ?? (decision.Launch == 0 && stillInFlight == 0 ? HoldMessage(decision.Hold) : null);
        if (!campaign.DialerActive) { hold = "Stopped"; message = "Composizione automatica ferma: avviarla dalla campagna."; }
        await WriteStateAsync(db, campaign, hold, message, decision.DialLevel, team, window, ct);
        return campaign.DialerActive || stillInFlight > 0;
    }

    /// <summary>
    /// Hangs up the <paramref name="count"/> calls that have rung the shortest among those past the campaign's
    /// minimum ring (the pacer's contract). The call goes to <see cref="DialerCallState.HangingUp"/> first and is
    /// settled on the PBX's word: a person who picked up just before the hang-up reached the PBX is still
    /// connected or counted abandoned, never lost as a "no answer".
    /// </summary>
    async Task HangUpAsync(SchedarioDb db, Campaign campaign, int count, DateTime now, CancellationToken ct)
    {
        if (campaign.HangUpAfterSeconds <= 0) return;
        var rungSince = now.AddSeconds(-campaign.HangUpAfterSeconds);
        var calls = await db.DialerCalls().AsNoTracking()
            .Where(d => d.CampaignId == campaignId && d.State == DialerCallState.Ringing && d.ExternalCallId != null && d.PlacedAt <= rungSince)
            .OrderByDescending(d => d.PlacedAt).ThenByDescending(d => d.Id).Take(count)
            .Select(d => new { d.Id, d.ExternalCallId }).ToListAsync(ct);
        foreach (var c in calls)
        {
            var n = await db.DialerCalls().Where(d => d.Id == c.Id && d.State == DialerCallState.Ringing)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.HangingUp), ct);
            // A call the person picked up meanwhile is left to ring on into the answer (the PBX refuses): the
            // next look connects it or counts it abandoned, as any answer.
            if (n == 1) await SafeAsync(() => gateway.CancelRingingAsync(c.ExternalCallId!, ct));
        }
    }

    /// <summary>A gate that stops all dialing (the pacer is not even asked), with the words for the wallboard.</summary>
    sealed record Gate(PacingHold Hold, string Message);

    async Task<Gate?> GateAsync(IServiceProvider services, SchedarioDb db, Campaign c, CancellationToken ct)
    {
        if (!c.DialerActive) return new Gate(PacingHold.None, "Composizione automatica ferma.");
        if (c.Retired) return new Gate(PacingHold.None, $"La campagna {c.Code} è obsoleta.");
        if (c.DialMode == DialMode.Preview) return new Gate(PacingHold.None, "La campagna è in modalità anteprima: le chiamate le avvia l'operatore.");
        var local = clock.GetLocalNow();
        var today = (CallingDays)(1 << (((int)local.DayOfWeek + 6) % 7));
        if (!c.CallingDays.HasFlag(today)) return new Gate(PacingHold.OutsideCallingHours, "Oggi non è un giorno di chiamata della campagna.");
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (c is { CallFrom: { } from, CallTo: { } to } && (time < from || time > to))
            return new Gate(PacingHold.OutsideCallingHours, $"Fuori orario di chiamata (dalle {from:HH:mm} alle {to:HH:mm}).");
        if (await DialerControl.RegisterProblemAsync(services, ct) is { } problem)
            return new Gate(PacingHold.None, problem);
        return null;
    }

    static string HoldMessage(PacingHold hold) => hold switch
    {
        PacingHold.NoOperatorsLoggedIn => "Nessun operatore collegato alla campagna con la barra telefonica aperta.",
        PacingHold.NoReadyOperators => "Nessun operatore pronto: tutti in chiamata, in chiusura o in pausa.",
        PacingHold.ListExhausted => "Lista esaurita: nessun nominativo chiamabile ora (tentativi, richiami, ritardi, non chiamare).",
        PacingHold.LinesFull => "Linee sufficienti già in corso per gli operatori che si liberano.",
        PacingHold.AbandonBudgetSpent => "Limite di chiamate abbandonate raggiunto nella finestra: composizione prudente.",
        PacingHold.OutsideCallingHours => "Fuori orario di chiamata.",
        _ => "In attesa.",
    };

    /// <summary>To the end of today's calling hours; a campaign without hours calls until midnight (when a day window closes).</summary>
    TimeSpan CallingTimeLeft(Campaign c)
    {
        var local = clock.GetLocalNow().DateTime;
        var time = TimeOnly.FromDateTime(local);
        if (c.CallTo is not { } to) return local.Date.AddDays(1) - local;
        return time > to ? TimeSpan.Zero : to - time;
    }

    IPacer Pacer(Campaign c)
    {
        var wanted = (c.DialMode, c.LinesPerOperator);
        if (pacer is null || pacerSettings != wanted)
        {
            pacer = c.DialMode == DialMode.Power ? new PowerPacer(new PowerSettings(c.LinesPerOperator)) : new PredictivePacer();
            pacerSettings = wanted;
        }
        return pacer;
    }

    readonly record struct Team(int Ready, int Preparing, double[] Talking, double[] WrapUp, int LoggedIn);

    /// <summary>When each operator seen in wrap-up at the last look began it (to learn wrap-up lengths).</summary>
    Dictionary<string, DateTime> wrapUpSince = new(StringComparer.Ordinal);

    /// <summary>The operators who joined the campaign with the bar open; paused ones are not counted.</summary>
    async Task<Team> TeamAsync(SchedarioDb db, DateTime now, CancellationToken ct)
    {
        var rows = await db.OperatorPresence().AsNoTracking()
            .Where(p => p.DialerCampaignId == campaignId && p.BarOpenUntil > now && p.State != OperatorState.Offline && p.State != OperatorState.Paused)
            .Select(p => new { p.UserId, p.State, p.StateSince }).ToListAsync(ct);
        // Wrap-up lengths, learned as operators come out of it: the pacer plans on them (how soon an operator
        // who just hung up takes the next call). Only a wrap-up seen at the last look and ready now counts,
        // so a pause or a closed bar in between never passes for a long wrap-up.
        var seen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (r.State == OperatorState.WrapUp) seen[r.UserId] = r.StateSince;
            else if (r.State == OperatorState.Ready && wrapUpSince.TryGetValue(r.UserId, out var since) && r.StateSince >= since)
                stats.RecordWrapUp((r.StateSince - since).TotalSeconds);
        }
        wrapUpSince = seen;
        return new Team(
            rows.Count(r => r.State == OperatorState.Ready),
            rows.Count(r => r.State == OperatorState.Ringing),
            rows.Where(r => r.State == OperatorState.OnCall).Select(r => Math.Max(0, (now - r.StateSince).TotalSeconds)).ToArray(),
            rows.Where(r => r.State == OperatorState.WrapUp).Select(r => Math.Max(0, (now - r.StateSince).TotalSeconds)).ToArray(),
            rows.Count);
    }

    readonly record struct Window(long Answered, long Abandoned);

    /// <summary>Answered by a person and abandoned over the campaign's window (machines apart).</summary>
    async Task<Window> WindowAsync(SchedarioDb db, Campaign c, DateTime now, CancellationToken ct)
    {
        var since = WindowStart(c.AbandonWindow, now, clock);
        var counts = await db.DialerCalls().AsNoTracking()
            .Where(d => d.CampaignId == campaignId && d.AnsweredAt >= since && d.Result != DialerCallResult.Machine)
            .GroupBy(_ => 1).Select(g => new { Answered = g.LongCount(), Abandoned = g.LongCount(d => d.Result == DialerCallResult.Abandoned) })
            .FirstOrDefaultAsync(ct);
        return new Window(counts?.Answered ?? 0, counts?.Abandoned ?? 0);
    }

    /// <summary>Where an abandon window starts: the local day's midnight, 24 hours ago, 30 days ago, or ever.</summary>
    public static DateTime WindowStart(AbandonWindow window, DateTime now, TimeProvider clock) => window switch
    {
        AbandonWindow.Day => new DateTimeOffset(clock.GetLocalNow().Date, clock.GetLocalNow().Offset).UtcDateTime,
        AbandonWindow.Rolling24h => now.AddHours(-24),
        AbandonWindow.Days30 => now.AddDays(-30),
        _ => DateTime.MinValue,
    };

    async Task<long> CountDialableAsync(SchedarioDb db, Campaign c, DateTime now, CancellationToken ct) =>
        await db.WithConnectionAsync(async conn =>
        {
            await using var cmd = conn.CreateCommand(db.Provider == DatabaseProvider.Postgres ? DialerSql.CountDialablePostgres : DialerSql.CountDialableSqlite, ("cid", campaignId), ("now", now), ("max", c.MaxAttempts),
                ("lockout", now.AddHours(-c.AbandonLockoutHours)), ("n", 1000));
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        }, ct);

    sealed record InFlightCall(DialerCall Call, long? TelephonyId, TelephonyCallState? TelState, DateTime? TelAnsweredAt, DateTime? TelEndedAt, string? TelCause);

    async Task<List<InFlightCall>> InFlightAsync(SchedarioDb db, CancellationToken ct) =>
        await (from d in db.DialerCalls().AsNoTracking()
               where d.CampaignId == campaignId && d.State != DialerCallState.Ended
               join t in db.TelephonyCalls().AsNoTracking() on new { S = d.Source, E = d.ExternalCallId } equals new { S = (string?)t.Source, E = (string?)t.ExternalId } into tt
               from t in tt.DefaultIfEmpty()
               select new InFlightCall(d, t == null ? null : t.Id, t == null ? null : t.State, t == null ? null : t.AnsweredAt, t == null ? null : t.EndedAt,
                   t == null ? null : t.Cause)).ToListAsync(ct);

    /// <summary>Moves one call along by what the PBX said (or did not say).</summary>
    async Task AdvanceAsync(SchedarioDb db, Campaign campaign, InFlightCall f, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var call = f.Call;
        switch (call.State)
        {
            case DialerCallState.Placing when call.ExternalCallId is null:
                if (now - call.PlacedAt > TimeSpan.FromSeconds(options.PlacingTimeoutSeconds))
                    await EndAsync(db, campaign, call, DialerCallResult.NotPlaced, "not-placed", null, now, ct);
                return;

            case DialerCallState.Placing or DialerCallState.Ringing or DialerCallState.HangingUp:
                if (f.TelAnsweredAt is { } answered && f.TelCause == "machine")
                {
                    stats.RecordResult(CallResult.Machine, (answered - call.PlacedAt).TotalSeconds);
                    await SafeAsync(() => gateway.HangUpAsync(call.ExternalCallId!, ct));
                    call.AnsweredAt = answered;
                    await EndAsync(db, campaign, call, DialerCallResult.Machine, "machine", "SEGRETERIA", now, ct);
                    return;
                }
                if (f.TelAnsweredAt is { } personAt)
                {
                    stats.RecordResult(CallResult.Person, (personAt - call.PlacedAt).TotalSeconds);
                    await db.DialerCalls().Where(d => d.Id == call.Id && d.State == call.State)
                        .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.Waiting).SetProperty(d => d.AnsweredAt, personAt), ct);
                    call.State = DialerCallState.Waiting;
                    call.AnsweredAt = personAt;
                    if (f.TelState != TelephonyCallState.Ended) await ConnectOrAbandonAsync(db, campaign, call, f.TelephonyId, ct);
                    else await EndAsync(db, campaign, call, DialerCallResult.Abandoned, "caller-hung-up", "ABBANDONATA", now, ct);
                    return;
                }
                if (f.TelState == TelephonyCallState.Ended && call.State == DialerCallState.HangingUp)
                {
                    // Hung up by the dialer before anyone answered: a no-answer attempt, whose result the learner
                    // knows only to come later than the ring it had.
                    var ended = f.TelEndedAt ?? now;
                    stats.RecordHungUp((ended - call.PlacedAt).TotalSeconds);
                    await EndAsync(db, campaign, call, DialerCallResult.NoAnswer, HungUpCause, "NON RISPONDE", now, ct);
                    var dayStart = WindowStart(AbandonWindow.Day, now, clock);
                    if (dayStart != hungUpDayStart) (hungUpDayStart, hungUpToday) = (dayStart, 0);
                    hungUpToday++;
                    return;
                }
                if (f.TelState == TelephonyCallState.Ended)
                {
                    var ended = f.TelEndedAt ?? now;
                    var (result, code) = f.TelCause switch
                    {
                        "no-answer" => (DialerCallResult.NoAnswer, "NON RISPONDE"),
                        "busy" or "congestion" => (DialerCallResult.Busy, "OCCUPATO"),
                        "cancelled" => (DialerCallResult.NotPlaced, null),
                        "failed" or "unallocated" or "invalid-number" => (DialerCallResult.Failed, "NUMERO ERRATO"),
                        _ => (DialerCallResult.Failed, "OCCUPATO"),
                    };
                    if (result != DialerCallResult.NotPlaced)
                        stats.RecordResult(result == DialerCallResult.NoAnswer ? CallResult.NoAnswer : CallResult.Failed, (ended - call.PlacedAt).TotalSeconds);
                    await EndAsync(db, campaign, call, result, f.TelCause, code, now, ct);
                    return;
                }
                if (now - call.PlacedAt > TimeSpan.FromSeconds(options.LostCallSeconds))
                {
                    // Nothing heard for too long: the node that placed it died with its PBX connection.
                    await SafeAsync(() => gateway.HangUpAsync(call.ExternalCallId!, ct));
                    await EndAsync(db, campaign, call, DialerCallResult.NotPlaced, "lost", null, now, ct);
                }
                return;

            case DialerCallState.Waiting:
                if (f.TelState == TelephonyCallState.Ended)
                    await EndAsync(db, campaign, call, DialerCallResult.Abandoned, "caller-hung-up", "ABBANDONATA", now, ct);
                else
                    await ConnectOrAbandonAsync(db, campaign, call, f.TelephonyId, ct);
                return;

            case DialerCallState.Connected:
                if (f.TelState == TelephonyCallState.Ended)
                {
                    var end = f.TelEndedAt ?? now;
                    if (call.ConnectedAt is { } c) stats.RecordTalk(Math.Max(0, (end - c).TotalSeconds));
                    await db.DialerCalls().Where(d => d.Id == call.Id && d.State == DialerCallState.Connected)
                        .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.Ended).SetProperty(d => d.Result, DialerCallResult.Talked)
                            .SetProperty(d => d.EndedAt, end).SetProperty(d => d.Cause, f.TelCause), ct);
                    await PublishAsync(call.CampaignId.ToString(), ct);
                }
                return;
        }
    }

    /// <summary>A person is on the line: the longest idle ready operator gets the call with the record, or after the grace the message plays.</summary>
    async Task ConnectOrAbandonAsync(SchedarioDb db, Campaign campaign, DialerCall call, long? telephonyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (telephonyId is { } telId && await ClaimOperatorAsync(db, telId, now, ct) is { } op)
        {
            try
            {
                await gateway.ConnectAsync(call.ExternalCallId!, op.Extension ?? op.UserId, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogInformation(ex, "Dialer call {Call}: could not connect to {User}; the operator is ready again", call.Id, op.UserId);
                await db.OperatorPresence().Where(p => p.UserId == op.UserId && p.CurrentCallId == telId && p.State == OperatorState.OnCall)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Ready).SetProperty(p => p.CurrentCallId, (long?)null)
                        .SetProperty(p => p.Version, p => p.Version + 1), ct);
                return;
            }
            await db.TelephonyCalls().Where(t => t.Id == telId).ExecuteUpdateAsync(u => u.SetProperty(t => t.OperatorUserId, op.UserId)
                .SetProperty(t => t.CampaignEntryId, call.EntryId).SetProperty(t => t.CustomerId, call.CustomerId).SetProperty(t => t.Version, t => t.Version + 1), ct);
            var until = now.AddMinutes(options.OperatorLeaseMinutes);
            // The name passes from the dialer to the operator: the desk's close needs the operator's lease.
            await db.CampaignEntries().Where(e => e.Id == call.EntryId && e.LeaseHolder == Holder)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.LeaseHolder, op.UserId).SetProperty(e => e.LeaseUntil, until)
                    .SetProperty(e => e.ClaimedAt, now).SetProperty(e => e.Version, e => e.Version + 1), ct);
            await db.DialerCalls().Where(d => d.Id == call.Id).ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.Connected)
                .SetProperty(d => d.OperatorUserId, op.UserId).SetProperty(d => d.ConnectedAt, now), ct);
            await bus.PublishAsync(BusTopics.User(op.UserId), $"dialer:{campaignId}:{call.EntryId}", ct);
            await PublishAsync(campaignId.ToString(), ct);
            return;
        }
        if (call.AnsweredAt is { } answered && (now - answered).TotalSeconds >= campaign.AbandonAfterSeconds)
        {
            await SafeAsync(() => gateway.PlayMessageAndHangUpAsync(call.ExternalCallId!, campaign.AbandonMessage, ct));
            await EndAsync(db, campaign, call, DialerCallResult.Abandoned, "no-operator", "ABBANDONATA", now, ct);
        }
    }

    sealed record OperatorClaim(string UserId, string? Extension);

    async Task<OperatorClaim?> ClaimOperatorAsync(SchedarioDb db, long telephonyId, DateTime now, CancellationToken ct)
    {
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        return await db.WithConnectionAsync(async conn =>
        {
            var sql = db.Provider == DatabaseProvider.Postgres ? DialerSql.ClaimOperatorPostgres : DialerSql.ClaimOperatorSqlite;
            await using var cmd = conn.CreateCommand(sql, ("cid", campaignId), ("now", now), ("call", telephonyId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            return new OperatorClaim(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }, ct);
    }

    /// <summary>
    /// Ends a call and settles its name: with <paramref name="outcomeCode"/> an attempt is counted and the
    /// outcome moves the name as the desk would (and a call row is logged); without one the name is only
    /// given back. An abandoned number is locked out for the campaign's hours.
    /// </summary>
    async Task EndAsync(SchedarioDb db, Campaign campaign, DialerCall call, DialerCallResult result, string? cause, string? outcomeCode, DateTime now, CancellationToken ct)
    {
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var n = await db.DialerCalls().Where(d => d.Id == call.Id && d.State != DialerCallState.Ended)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.Ended).SetProperty(d => d.Result, result)
                    .SetProperty(d => d.EndedAt, now).SetProperty(d => d.Cause, cause).SetProperty(d => d.AnsweredAt, call.AnsweredAt), ct);
            if (n == 0) return;
            var entry = await db.CampaignEntries().FirstOrDefaultAsync(e => e.Id == call.EntryId, ct);
            if (entry is not null && entry.LeaseHolder == Holder)
            {
                entry.LeaseHolder = null;
                entry.LeaseUntil = null;
                entry.ClaimedAt = null;
                if (outcomeCode is not null)
                {
                    entry.Attempts++;
                    entry.LastCallAt = now;
                    if (outcomes.TryGetValue(outcomeCode, out var outcome))
                    {
                        EntryOutcomes.Apply(entry, outcome, campaign, now, null, null);
                        db.Add(new Call
                        {
                            CampaignId = campaign.Id, EntryId = entry.Id, CustomerId = entry.CustomerId, OperatorUserId = "", OperatorName = "Dialer automatico",
                            StartedAt = call.PlacedAt, EndedAt = now, DurationSeconds = (int)Math.Max(0, (now - call.PlacedAt).TotalSeconds),
                            OutcomeId = outcome.Id, OutcomeCode = outcome.Code, Note = DialerNote(result, cause),
                        });
                    }
                    else
                    {
                        // The outcome was removed from the table: a technical retry by the campaign's own delay.
                        entry.NextCallAt = now.AddMinutes(campaign.RetryTechnicalMinutes);
                        if (campaign.MaxAttempts > 0 && entry.Attempts >= campaign.MaxAttempts) entry.State = EntryState.Exhausted;
                    }
                }
                if (result == DialerCallResult.Abandoned && entry.State == EntryState.ToCall)
                {
                    var notBefore = now.AddHours(campaign.AbandonLockoutHours);
                    if (entry.NextCallAt is null || entry.NextCallAt < notBefore) entry.NextCallAt = notBefore;
                }
                entry.Version++;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        await PublishAsync(campaign.Id.ToString(), ct);
    }

    static string DialerNote(DialerCallResult result, string? cause) => result switch
    {
        DialerCallResult.Abandoned => "Dialer: risposta senza operatore libero, riprodotto il messaggio e chiusa (" + cause + ").",
        DialerCallResult.Machine => "Dialer: segreteria telefonica rilevata.",
        DialerCallResult.NoAnswer when cause == HungUpCause => "Dialer: nessuna risposta, chiusa dal dialer dopo lo squillo minimo della campagna.",
        DialerCallResult.NoAnswer => "Dialer: nessuna risposta.",
        DialerCallResult.Busy => "Dialer: occupato.",
        _ => "Dialer: chiamata non riuscita (" + cause + ").",
    };

    /// <summary>Claims up to <paramref name="count"/> names and places their calls; returns how many the PBX accepted.</summary>
    async Task<int> LaunchAsync(SchedarioDb db, Campaign campaign, int count, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = new List<DialerCall>();
        using (var writer = await SqliteWriteGate.EnterAsync(db, ct))
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                claimed.Clear();
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var ids = new List<(long Id, Guid Customer)>();
                var conn = db.Database.GetDbConnection();
                await using (var cmd = conn.CreateCommand(db.Provider == DatabaseProvider.Postgres ? DialerSql.ClaimPostgres : DialerSql.ClaimSqlite,
                                 ("holder", Holder), ("until", now.AddMinutes(10)), ("now", now), ("cid", campaignId), ("max", campaign.MaxAttempts),
                                 ("lockout", now.AddHours(-campaign.AbandonLockoutHours)), ("n", count)))
                {
                    cmd.Transaction = tx.GetDbTransaction();
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) ids.Add((reader.GetInt64(0), reader.GetGuid(1)));
                }
                if (ids.Count == 0) { await tx.CommitAsync(ct); return; }
                var customerIds = ids.Select(i => i.Customer).ToList();
                var phones = await db.Set<Customer>().IgnoreQueryFilters().Where(c => customerIds.Contains(c.Id))
                    .Select(c => new { c.Id, c.MainPhone }).ToDictionaryAsync(c => c.Id, c => c.MainPhone, ct);
                foreach (var (id, customer) in ids)
                    claimed.Add(new DialerCall
                    {
                        CampaignId = campaignId, EntryId = id, CustomerId = customer, Number = phones.GetValueOrDefault(customer) ?? "",
                        State = DialerCallState.Placing, NodeId = bus.NodeId, PlacedAt = now,
                    });
                db.AddRange(claimed);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
            db.ChangeTracker.Clear();
        }

        var placed = 0;
        foreach (var call in claimed)
        {
            string externalId;
            try
            {
                externalId = await gateway.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + campaignId, call.Number, Reference: "dialer:" + call.Id), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Dialer call {Call} to {Number}: the PBX refused it", call.Id, call.Number);
                await EndAsync(db, campaign, call, DialerCallResult.NotPlaced, "pbx-refused", null, clock.GetUtcNow().UtcDateTime, ct);
                continue;
            }
            placed++;
            await db.DialerCalls().Where(d => d.Id == call.Id && d.State == DialerCallState.Placing)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ExternalCallId, externalId).SetProperty(d => d.Source, gateway.Source)
                    .SetProperty(d => d.State, DialerCallState.Ringing), ct);
            await db.TelephonyCalls().Where(t => t.Source == gateway.Source && t.ExternalId == externalId)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.CampaignEntryId, call.EntryId).SetProperty(t => t.CustomerId, call.CustomerId), ct);
        }
        if (placed > 0) await PublishAsync(campaignId.ToString(), ct);
        return placed;
    }

    async Task WriteStateAsync(SchedarioDb db, Campaign campaign, string hold, string? message, double level, Team team, Window window, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var live = await db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId && d.State != DialerCallState.Ended)
            .GroupBy(d => d.State).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        int Count(params DialerCallState[] s) => live.Where(l => s.Contains(l.Key)).Sum(l => l.N);
        var rate = window.Answered > 0 ? (double)window.Abandoned / window.Answered : 0;
        var state = new DialerRunnerState
        {
            CampaignId = campaignId, NodeId = bus.NodeId, HeartbeatAt = now, Hold = hold, HoldMessage = message,
            DialLevel = Math.Round(level, 3), Ringing = Count(DialerCallState.Placing, DialerCallState.Ringing), Waiting = Count(DialerCallState.Waiting),
            Connected = Count(DialerCallState.Connected), OperatorsReady = team.Ready, OperatorsLoggedIn = team.LoggedIn,
            AbandonRateWindow = Math.Round(rate, 5), LearnedAnswerRate = Math.Round(stats.PersonRate, 4),
            HungUpToday = WindowStart(AbandonWindow.Day, now, clock) == hungUpDayStart ? hungUpToday : 0,
        };
        var signature = $"{state.Hold}|{state.HoldMessage}|{state.DialLevel}|{state.Ringing}|{state.Waiting}|{state.Connected}|{state.OperatorsReady}|{state.OperatorsLoggedIn}|{state.AbandonRateWindow}|{state.HungUpToday}";
        var changed = signature != lastPublished;
        if (!changed && now - lastStateWrite < TimeSpan.FromSeconds(2)) return;
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var n = await db.DialerRunnerStates().Where(s => s.CampaignId == campaignId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.NodeId, state.NodeId).SetProperty(s => s.HeartbeatAt, state.HeartbeatAt).SetProperty(s => s.Hold, state.Hold)
            .SetProperty(s => s.HoldMessage, state.HoldMessage).SetProperty(s => s.DialLevel, state.DialLevel).SetProperty(s => s.Ringing, state.Ringing)
            .SetProperty(s => s.Waiting, state.Waiting).SetProperty(s => s.Connected, state.Connected).SetProperty(s => s.OperatorsReady, state.OperatorsReady)
            .SetProperty(s => s.OperatorsLoggedIn, state.OperatorsLoggedIn).SetProperty(s => s.AbandonRateWindow, state.AbandonRateWindow)
            .SetProperty(s => s.LearnedAnswerRate, state.LearnedAnswerRate).SetProperty(s => s.HungUpToday, state.HungUpToday), ct);
        if (n == 0)
        {
            db.Add(state);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { /* a runner elsewhere wrote it first; the next tick updates it */ }
            db.ChangeTracker.Clear();
        }
        lastStateWrite = now;
        if (changed)
        {
            lastPublished = signature;
            await PublishAsync(campaignId.ToString(), ct);
        }
    }

    Task PublishAsync(string payload, CancellationToken ct) => bus.PublishAsync(BusTopics.Wallboard, payload, ct);

    async Task SafeAsync(Func<Task> action)
    {
        try { await action(); }
        catch (Exception ex) when (ex is not OperationCanceledException) { log.LogInformation(ex, "Dialer of campaign {Campaign}: PBX action failed", campaignId); }
    }

    /// <summary>PostgreSQL: the session holding the advisory lock must still be alive, or another node may have the campaign now.</summary>
    async Task CheckLockAsync(CancellationToken ct)
    {
        if (lockConnection is null) return;
        try
        {
            await using var cmd = lockConnection.CreateCommand();
            cmd.CommandText = "SELECT 1";
            await cmd.ExecuteScalarAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException) { throw new LockLostException(ex); }
    }

    sealed class LockLostException(Exception inner) : Exception("The dialer's advisory lock connection failed.", inner);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await Completion.WaitAsync(TimeSpan.FromSeconds(10)); } catch { /* logged in the loop */ }
        if (lockConnection is not null)
        {
            // Closing the session releases the advisory lock: another node may take the campaign at once.
            try { await lockConnection.DisposeAsync(); } catch { /* the session is gone either way */ }
        }
        stop.Dispose();
        wake.Dispose();
    }
}
