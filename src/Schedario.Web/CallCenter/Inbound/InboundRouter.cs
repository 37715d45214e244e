using Schedario.Web.Campaigns;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Settings;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>
/// Routes ringing inbound calls to the inbound service's ready operators, longest idle first, and
/// follows each call to its end. Every step is a conditional update on the shared database
/// (operator Ready → Ringing only if still Ready; the call's operator set only if still unset), so
/// several app nodes routing at once never offer one call twice or give one operator two calls.
/// </summary>
public sealed class InboundRouter(SchedarioDb db, TimeProvider clock, ICallCenterBus bus, CallerCard callers,
    SettingsService settings, InboundServiceDirectory directory, ILogger<InboundRouter> log) : ITelephonyCallObserver
{
    public async Task OnCallChangedAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct = default)
    {
        switch (kind)
        {
            case TelephonyEventKind.Ringing when call.Direction == CallDirection.Inbound:
                await RouteRingingAsync(call, retry: false, ct);
                break;
            case TelephonyEventKind.Ringing when call.Extension is not null:
                await AttachDialledAsync(call.Id, call.Extension, ct);
                break;
            case TelephonyEventKind.Answered:
                await AnsweredAsync(call.Id, ct);
                break;
            case TelephonyEventKind.HungUp:
                await EndedAsync(call.Id, ct);
                break;
        }
    }

    /// <summary>
    /// A new inbound call: its service by the called number, the caller by number (one match only),
    /// the longest idle ready operator, and the call row updated with all three in one statement.
    /// Four round trips on the hot path (the service comes from <see cref="InboundServiceDirectory"/>).
    /// </summary>
    async Task RouteRingingAsync(TelephonyCall call, bool retry, CancellationToken ct)
    {
        var service = call.ServiceId is { } known
            ? await db.InboundServices().AsNoTracking().Where(s => s.Id == known).Select(s => new InboundServiceDirectory.Entry(s.Id, s.Name, s.PortfolioTypeId)).FirstOrDefaultAsync(ct)
            : await directory.FindAsync(db, call.CalledNumber, ct);
        var customerId = call.CustomerId;
        if (customerId is null && call.CallerNumber is { } caller)
        {
            var matches = await callers.IdentifyAsync(caller, ct);
            if (matches.Count == 1) customerId = matches[0].CustomerId;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (service is null)
        {
            if (!retry) log.LogWarning("Inbound call {CallId} to {Called}: no active inbound service has this number", call.Id, call.CalledNumber);
            if (customerId is not null)
                await db.TelephonyCalls().Where(c => c.Id == call.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.CustomerId, customerId), ct);
            return;
        }
        string? userId;
        int updated;
        if (db.Provider == DatabaseProvider.Postgres)
            (userId, updated) = await OfferNewCallPostgresAsync(call.Id, service.Id, customerId, now, ct);
        else
        {
            userId = await ClaimOperatorAsync(call.Id, service.Id, now, ct);
            updated = await db.TelephonyCalls()
                .Where(c => c.Id == call.Id && c.State == TelephonyCallState.Ringing && c.OperatorUserId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ServiceId, service.Id).SetProperty(c => c.CustomerId, customerId)
                    .SetProperty(c => c.OperatorUserId, userId).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        }
        if (userId is null) return; // nobody ready: the call waits for the first who is
        if (updated == 1)
        {
            log.LogInformation("Inbound call {CallId} offered to {UserId}", call.Id, userId);
            if (db.Provider != DatabaseProvider.Postgres) await bus.PublishAsync(BusTopics.User(userId), "", ct); // PostgreSQL: notified by the routing statement
        }
        else await GiveBackAsync(userId, call.Id, ct);
    }

    /// <summary>Someone else offered (or the PBX ended) the call meanwhile: the operator goes back, still first in line.</summary>
    Task GiveBackAsync(string userId, long callId, CancellationToken ct) =>
        db.OperatorPresence().Where(p => p.UserId == userId && p.State == OperatorState.Ringing && p.CurrentCallId == callId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Ready).SetProperty(p => p.CurrentCallId, (long?)null)
                .SetProperty(p => p.Version, p => p.Version + 1), ct);

    /// <summary>Offers a ringing, unoffered call to the longest idle ready operator of its service. False: nobody free, it waits.</summary>
    public async Task<bool> OfferAsync(long callId, CancellationToken ct = default)
    {
        var call = await db.TelephonyCalls().AsNoTracking().Where(c => c.Id == callId)
            .Select(c => new { c.Id, c.State, c.OperatorUserId, c.ServiceId, c.Direction }).FirstOrDefaultAsync(ct);
        if (call is not { State: TelephonyCallState.Ringing, OperatorUserId: null, ServiceId: not null, Direction: CallDirection.Inbound }) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = await ClaimOperatorAsync(callId, call.ServiceId.Value, now, ct);
        if (userId is null) return false;
        var offered = await db.TelephonyCalls()
            .Where(c => c.Id == callId && c.State == TelephonyCallState.Ringing && c.OperatorUserId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.OperatorUserId, userId).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (offered == 1)
        {
            log.LogInformation("Inbound call {CallId} offered to {UserId}", callId, userId);
            await bus.PublishAsync(BusTopics.User(userId), "", ct);
            return true;
        }
        await GiveBackAsync(userId, callId, ct);
        return false;
    }

    /// <summary>Takes the longest idle ready operator of the service for the call (Ready → Ringing); null when nobody is free.</summary>
    Task<string?> ClaimOperatorAsync(long callId, int serviceId, DateTime now, CancellationToken ct) =>
        db.Provider == DatabaseProvider.Postgres ? ClaimOperatorPostgresAsync(callId, serviceId, now, ct) : ClaimOperatorSqliteAsync(callId, serviceId, now, ct);

    /// <summary>The longest idle ready operator of the service becomes Ringing for the call; rows other nodes are taking are skipped.</summary>
    const string ClaimOperatorSql = """
        UPDATE operator_presence SET "State" = 'Ringing', "StateSince" = @now, "CurrentCallId" = @call, "Version" = "Version" + 1
        WHERE "UserId" = (
            SELECT p."UserId" FROM operator_presence p
            WHERE p."State" = 'Ready' AND p."BarOpenUntil" > @now
              AND (NOT EXISTS (SELECT 1 FROM inbound_service_operators o WHERE o."ServiceId" = @service)
                   OR EXISTS (SELECT 1 FROM inbound_service_operators o WHERE o."ServiceId" = @service AND o."UserId" = p."UserId"))
            ORDER BY p."IdleSince", p."UserId"
            LIMIT 1 FOR UPDATE SKIP LOCKED)
          AND "State" = 'Ready'
        """;

    /// <summary>
    /// PostgreSQL, a new ringing call: the operator's claim and the call's service, caller and
    /// operator in one statement (one round trip instead of two on the hottest path). Returns the
    /// operator (null: nobody free) and whether the call row took it.
    /// </summary>
    Task<(string? UserId, int Updated)> OfferNewCallPostgresAsync(long callId, int serviceId, Guid? customerId, DateTime now, CancellationToken ct) =>
        db.WithConnectionAsync(async conn =>
        {
            await using var cmd = (Npgsql.NpgsqlCommand)conn.CreateCommand();
            cmd.CommandText = $"""
                WITH op AS ({ClaimOperatorSql} RETURNING "UserId"),
                upd AS (
                    UPDATE telephony_calls SET "ServiceId" = @service, "CustomerId" = @customer, "OperatorUserId" = (SELECT "UserId" FROM op),
                        "UpdatedAt" = @now, "Version" = "Version" + 1
                    WHERE "Id" = @call AND "State" = 'Ringing' AND "OperatorUserId" IS NULL
                    RETURNING "Id")
                SELECT (SELECT "UserId" FROM op), (SELECT count(*)::int FROM upd),
                       (SELECT pg_notify(@channel, @prefix || op."UserId" || @suffix) FROM op, upd)
                """;
            // The operator's bar is told in the same statement (the bus's message, see PostgresCallCenterBus): one round trip less per call.
            cmd.Parameters.AddWithValue("channel", PostgresCallCenterBus.Channel);
            cmd.Parameters.AddWithValue("prefix", BusTopics.User(""));
            cmd.Parameters.AddWithValue("suffix", "\n");
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("call", callId);
            cmd.Parameters.AddWithValue("service", serviceId);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter("customer", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)customerId ?? DBNull.Value });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1));
        }, ct);

    /// <summary>
    /// PostgreSQL: one statement takes the longest idle ready operator of the service, skipping rows
    /// another node is taking right now, so fifty calls ringing at once get fifty operators without
    /// retries (the same pattern as Next's claim, ADR 0008).
    /// </summary>
    Task<string?> ClaimOperatorPostgresAsync(long callId, int serviceId, DateTime now, CancellationToken ct) =>
        db.WithConnectionAsync(async conn =>
        {
            await using var cmd = (Npgsql.NpgsqlCommand)conn.CreateCommand();
            cmd.CommandText = ClaimOperatorSql + " RETURNING \"UserId\"";
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("call", callId);
            cmd.Parameters.AddWithValue("service", serviceId);
            return await cmd.ExecuteScalarAsync(ct) as string;
        }, ct);

    /// <summary>SQLite (one node): the longest idle ready operator, re-read if someone else took them first.</summary>
    async Task<string?> ClaimOperatorSqliteAsync(long callId, int serviceId, DateTime now, CancellationToken ct)
    {
        var serviceOperators = db.Set<InboundServiceOperator>().Where(o => o.ServiceId == serviceId);
        var anyOperators = await serviceOperators.AnyAsync(ct);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var userId = await db.OperatorPresence().AsNoTracking()
                .Where(p => p.State == OperatorState.Ready && p.BarOpenUntil > now)
                .Where(p => !anyOperators || serviceOperators.Any(o => o.UserId == p.UserId))
                .OrderBy(p => p.IdleSince).ThenBy(p => p.UserId)
                .Select(p => p.UserId).FirstOrDefaultAsync(ct);
            if (userId is null) return null;
            var taken = await db.OperatorPresence()
                .Where(p => p.UserId == userId && p.State == OperatorState.Ready)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Ringing).SetProperty(p => p.StateSince, now)
                    .SetProperty(p => p.CurrentCallId, callId).SetProperty(p => p.Version, p => p.Version + 1), ct);
            if (taken == 1) return userId;
        }
        return null;
    }

    /// <summary>
    /// Offers waiting calls (oldest first) to whoever is free now; run when an operator becomes ready and by
    /// the sweeper. Calls queue per service: once a service's oldest call finds nobody, its later calls are
    /// not tried (they would jump its queue), but the other services' calls still are. A call waiting in a
    /// service with nobody ready must not hold back another service's ready operators.
    /// </summary>
    public async Task<int> OfferWaitingAsync(CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddHours(-1);
        var waiting = await db.TelephonyCalls().AsNoTracking()
            .Where(c => c.State == TelephonyCallState.Ringing && c.Direction == CallDirection.Inbound && c.OperatorUserId == null && c.ServiceId != null && c.RingAt > since)
            .OrderBy(c => c.RingAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.ServiceId }).Take(50).ToListAsync(ct);
        var offered = 0;
        var stuck = new HashSet<int>();
        foreach (var call in waiting)
        {
            if (stuck.Contains(call.ServiceId!.Value)) continue;
            if (await OfferAsync(call.Id, ct)) offered++;
            else stuck.Add(call.ServiceId.Value);
        }
        return offered;
    }

    /// <summary>
    /// Offers not answered within CI0040 seconds move on: the operator is paused (they are not at
    /// the desk) and the call goes to the next one. Bars that stopped beating go offline.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var offerSeconds = await settings.GetIntAsync(SettingCodes.InboundOfferSeconds, ct);
        var limit = now.AddSeconds(-offerSeconds);
        var expired = await db.OperatorPresence().AsNoTracking()
            .Where(p => p.State == OperatorState.Ringing && (p.StateSince < limit || p.BarOpenUntil < now))
            .Select(p => new { p.UserId, p.CurrentCallId }).ToListAsync(ct);
        foreach (var p in expired)
        {
            var n = await db.OperatorPresence().Where(x => x.UserId == p.UserId && x.State == OperatorState.Ringing && x.CurrentCallId == p.CurrentCallId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, OperatorState.Paused).SetProperty(x => x.PauseReason, PresenceService.MissedCallPause)
                    .SetProperty(x => x.StateSince, now).SetProperty(x => x.CurrentCallId, (long?)null).SetProperty(x => x.Version, x => x.Version + 1), ct);
            if (n == 0) continue;
            if (p.CurrentCallId is { } callId)
                await db.TelephonyCalls().Where(c => c.Id == callId && c.State == TelephonyCallState.Ringing && c.OperatorUserId == p.UserId)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.OperatorUserId, (string?)null).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
            log.LogInformation("Offer of call {CallId} to {UserId} expired: operator paused", p.CurrentCallId, p.UserId);
            await bus.PublishAsync(BusTopics.User(p.UserId), "", ct);
        }
        var stale = await db.OperatorPresence().AsNoTracking()
            .Where(p => (p.State == OperatorState.Ready || p.State == OperatorState.Paused) && p.BarOpenUntil < now).Select(p => p.UserId).ToListAsync(ct);
        foreach (var userId in stale)
        {
            await db.OperatorPresence().Where(p => p.UserId == userId && (p.State == OperatorState.Ready || p.State == OperatorState.Paused) && p.BarOpenUntil < now)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Offline).SetProperty(p => p.StateSince, now)
                    .SetProperty(p => p.PauseReason, (string?)null).SetProperty(p => p.Version, p => p.Version + 1), ct);
            await bus.PublishAsync(BusTopics.User(userId), "", ct);
        }
        // A ringing call whose routing failed half-way (a busy database, a node that died) is routed again.
        var recent = now.AddMinutes(-2);
        var unrouted = await db.TelephonyCalls().AsNoTracking()
            .Where(c => c.State == TelephonyCallState.Ringing && c.Direction == CallDirection.Inbound && c.ServiceId == null && c.OperatorUserId == null && c.RingAt > recent)
            .OrderBy(c => c.RingAt).Take(20).ToListAsync(ct);
        foreach (var call in unrouted) await RouteRingingAsync(call, retry: true, ct);
        await OfferWaitingAsync(ct);
    }

    /// <summary>An outbound call placed from an operator's extension (the bar's dial): the operator is on it.</summary>
    async Task AttachDialledAsync(long callId, string extension, CancellationToken ct)
    {
        var userId = await db.OperatorPresence().Where(p => p.Extension == extension && p.State != OperatorState.OnCall && p.State != OperatorState.Ringing)
            .Select(p => p.UserId).FirstOrDefaultAsync(ct);
        if (userId is null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        await db.TelephonyCalls().Where(c => c.Id == callId && c.OperatorUserId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.OperatorUserId, userId).SetProperty(c => c.Version, c => c.Version + 1), ct);
        var n = await db.OperatorPresence().Where(p => p.UserId == userId && p.State != OperatorState.OnCall && p.State != OperatorState.Ringing)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.OnCall).SetProperty(p => p.StateSince, now)
                .SetProperty(p => p.CurrentCallId, callId).SetProperty(p => p.Version, p => p.Version + 1), ct);
        if (n > 0) await bus.PublishAsync(BusTopics.User(userId), "", ct);
    }

    /// <summary>The PBX says the call was answered: the operator it was offered to (or whose extension picked up) is on the call.</summary>
    async Task AnsweredAsync(long callId, CancellationToken ct)
    {
        var call = await db.TelephonyCalls().AsNoTracking().FirstAsync(c => c.Id == callId, ct);
        var userId = call.OperatorUserId;
        if (userId is null && call.Extension is not null)
            userId = await db.OperatorPresence().Where(p => p.Extension == call.Extension).Select(p => p.UserId).FirstOrDefaultAsync(ct);
        if (userId is null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var n = await db.OperatorPresence().Where(p => p.UserId == userId && (p.CurrentCallId == callId || p.CurrentCallId == null)
                                                       && p.State != OperatorState.OnCall && p.State != OperatorState.WrapUp)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.OnCall).SetProperty(p => p.StateSince, now)
                .SetProperty(p => p.CurrentCallId, callId).SetProperty(p => p.Version, p => p.Version + 1), ct);
        if (n > 0) await bus.PublishAsync(BusTopics.User(userId), "", ct);
    }

    /// <summary>The call ended: an operator still being offered it is free again; one talking goes to wrap-up.</summary>
    async Task EndedAsync(long callId, CancellationToken ct)
    {
        var call = await db.TelephonyCalls().AsNoTracking().FirstAsync(c => c.Id == callId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.InboundContacts().Where(c => c.TelephonyCallId == callId && c.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.EndedAt, call.EndedAt ?? now).SetProperty(c => c.DurationSeconds, call.DurationSeconds), ct);
        var holders = await db.OperatorPresence().AsNoTracking().Where(p => p.CurrentCallId == callId).Select(p => new { p.UserId, p.State }).ToListAsync(ct);
        foreach (var p in holders)
        {
            var hasContact = await db.InboundContacts().AnyAsync(c => c.TelephonyCallId == callId && c.Status == InboundContactStatus.Open, ct)
                // A name the dialer connected and the operator has not closed yet: wrap-up until the desk closes it.
                || call.CampaignEntryId is { } entryId && await db.CampaignEntries().AnyAsync(e => e.Id == entryId && e.LeaseHolder == p.UserId, ct);
            // Ringing and hung up: the caller gave up; the operator stays first in line (idle time kept).
            // Talking: wrap-up while a contact is open to close; a manual outbound call without one frees the operator.
            var next = p.State == OperatorState.OnCall && hasContact ? OperatorState.WrapUp : OperatorState.Ready;
            await db.OperatorPresence().Where(x => x.UserId == p.UserId && x.CurrentCallId == callId && (x.State == OperatorState.Ringing || x.State == OperatorState.OnCall))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, next).SetProperty(x => x.StateSince, now)
                    .SetProperty(x => x.CurrentCallId, next == OperatorState.WrapUp ? callId : null)
                    .SetProperty(x => x.IdleSince, x => next == OperatorState.Ready && x.State == OperatorState.OnCall ? now : x.IdleSince)
                    .SetProperty(x => x.Version, x => x.Version + 1), ct);
            await bus.PublishAsync(BusTopics.User(p.UserId), "", ct);
        }
        if (holders.Count > 0) await OfferWaitingAsync(ct);
    }
}

/// <summary>Runs the router's sweep every second on every node (each step is conditional, so nodes never clash).</summary>
public sealed class InboundSweeper(IServiceScopeFactory scopes, ILogger<InboundSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<InboundRouter>().SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Inbound sweep failed; next in a second"); }
        }
    }
}
