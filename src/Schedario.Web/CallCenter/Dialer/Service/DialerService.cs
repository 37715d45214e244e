using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;

namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>
/// Runs the dialer of every started power or predictive campaign, each on exactly one node: on
/// PostgreSQL a session-level advisory lock per campaign (<c>pg_try_advisory_lock(LockClass, id)</c>)
/// held on a connection of its own for as long as the runner lives; when the node dies its session ends,
/// the lock is free and the next node's scan takes the campaign over. SQLite is one node by nature.
/// A stopped campaign's runner keeps following its calls in flight until they end, then lets go.
/// </summary>
public sealed class DialerService(
    IServiceScopeFactory scopes,
    ITelephonyGateway gateway,
    ICallCenterBus bus,
    TimeProvider clock,
    IOptions<DialerOptions> options,
    ILoggerFactory loggers,
    DialerMetrics metrics) : BackgroundService
{
    /// <summary>The advisory lock's first key: the dialer's "class" (any constant other code does not use).</summary>
    public const int LockClass = 0x5343_4449; // "SCDI"

    readonly ConcurrentDictionary<int, CampaignDialer> runners = new();
    readonly ILogger log = loggers.CreateLogger<DialerService>();

    /// <summary>The campaigns this node is dialing now (tests, diagnostics).</summary>
    public IReadOnlyCollection<int> RunningCampaigns => runners.Keys.ToList();

    /// <summary>The learner of the campaign's runner on this node, if it runs here (for the tests).</summary>
    internal DialerStats? LearnerOf(int campaignId) => runners.TryGetValue(campaignId, out var r) ? r.Learner : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await ScanAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex) { log.LogError(ex, "Dialer scan failed"); }
            try { await Task.Delay(TimeSpan.FromMilliseconds(options.Value.ScanMilliseconds), clock, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Starts a runner for each campaign that needs one and that no node holds; forgets the ones that ended.</summary>
    public async Task ScanAsync(CancellationToken ct = default)
    {
        foreach (var (id, runner) in runners)
            if (runner.Completion.IsCompleted && runners.TryRemove(id, out _))
                await runner.DisposeAsync();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        var wanted = await db.Campaigns().AsNoTracking()
            .Where(c => c.DialerActive && c.DialMode != DialMode.Preview)
            .Select(c => c.Id)
            .Union(db.DialerCalls().Where(d => d.State != DialerCallState.Ended).Select(d => d.CampaignId))
            .ToListAsync(ct);
        foreach (var id in wanted.Where(id => !runners.ContainsKey(id)))
        {
            System.Data.Common.DbConnection? lockConnection = null;
            if (db.Provider == DatabaseProvider.Postgres)
            {
                // Held elsewhere (the usual case on the other nodes): skip without opening a session for it.
                if (await LockedElsewhereAsync(db, id, ct)) continue;
                // Unpooled: closing it must end the session (and so the lock), not park it in the pool still holding it.
                lockConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString);
                await lockConnection.OpenAsync(ct);
                await using var cmd = lockConnection.CreateCommand();
                cmd.CommandText = "SELECT pg_try_advisory_lock(@k, @id)";
                cmd.Parameters.Add(new NpgsqlParameter("k", LockClass));
                cmd.Parameters.Add(new NpgsqlParameter("id", id));
                if (await cmd.ExecuteScalarAsync(ct) is not true)
                {
                    await lockConnection.DisposeAsync();
                    continue;
                }
            }
            var runner = new CampaignDialer(id, lockConnection, scopes, gateway, bus, clock, options.Value, loggers.CreateLogger<CampaignDialer>(), metrics);
            runners[id] = runner;
            log.LogInformation("Dialer of campaign {Campaign} runs on node {Node}", id, bus.NodeId);
            runner.Start();
        }
    }

    static async Task<bool> LockedElsewhereAsync(SchedarioDb db, int campaignId, CancellationToken ct) =>
        await db.WithConnectionAsync(async conn =>
        {
            await using var cmd = conn.CreateCommand();
            // pg_locks shows a two-key advisory lock as classid = key 1, objid = key 2 (objsubid 2).
            cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = @k::oid AND objid = @id::oid AND objsubid = 2 AND granted)";
            cmd.Parameters.Add(new NpgsqlParameter("k", (long)(uint)LockClass));
            cmd.Parameters.Add(new NpgsqlParameter("id", (long)campaignId));
            return await cmd.ExecuteScalarAsync(ct) is true;
        }, ct);

    /// <summary>A PBX event: wake the runner of the call's campaign (outbound calls the dialer placed carry its queue as extension).</summary>
    public Task WakeAsync(TelephonyCall call)
    {
        if (call.Direction == CallDirection.Outbound && call.Extension is { } ext && ext.StartsWith(PlaceCallRequest.DialerQueuePrefix, StringComparison.Ordinal)
            && int.TryParse(ext.AsSpan(PlaceCallRequest.DialerQueuePrefix.Length), out var id) && runners.TryGetValue(id, out var runner))
            runner.Wake();
        else if (call.Direction == CallDirection.Outbound && call.CampaignEntryId is not null)
            foreach (var r in runners.Values) r.Wake();
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var id in runners.Keys.ToList())
            if (runners.TryRemove(id, out var runner))
                await runner.DisposeAsync();
    }
}

/// <summary>
/// Wakes the dialer on PBX events. A class of its own: resolving the hosted <see cref="DialerService"/> itself as
/// a scoped observer would let each scope's disposal dispose (and stop) the service.
/// </summary>
sealed class DialerWakeObserver(DialerService dialer) : ITelephonyCallObserver
{
    public Task OnCallChangedAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct = default) => dialer.WakeAsync(call);
}
