using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Settings;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>What the API and the pages show of a campaign's dialer.</summary>
public sealed record DialerStatusDto(
    int CampaignId, string CampaignCode, string Mode, bool Active, DateTime? StartedAt, string? StartedBy,
    bool Running, string? NodeId, DateTime? HeartbeatAt, string Hold, string? HoldMessage, double DialLevel,
    int Ringing, int Waiting, int Connected, int OperatorsReady, int OperatorsLoggedIn,
    double AbandonRateWindow, double AbandonLimitPercent, string AbandonWindow, double LearnedAnswerRate);

/// <summary>The dialer call connected to an operator right now: the desk opens its name.</summary>
public sealed record DialerConnectedDto(long DialerCallId, int CampaignId, long EntryId, Guid CustomerId, string Number, DateTime ConnectedAt);

/// <summary>
/// Supervisors start and stop a campaign's automatic dialing; operators join a campaign to receive its
/// answered calls. The runner (<see cref="DialerService"/>) reads what this writes.
/// </summary>
public sealed class DialerControl(SchedarioDb db, TimeProvider clock, ICallCenterBus bus, AuditLog audit, IServiceProvider services)
{
    /// <summary>A runner that has not written its state for this long is not running.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    /// <summary>Starts dialing. Refused for a preview campaign, a retired one, or when the opposition register was not checked recently enough.</summary>
    public async Task<DialerStatusDto> StartAsync(int campaignId, string user, CancellationToken ct = default)
    {
        var c = await db.Campaigns().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("Campagna non trovata.");
        if (c.Retired) throw new RuleException($"La campagna {c.Code} è obsoleta: non si può avviare la composizione automatica.", "campaign-retired");
        if (c.DialMode == DialMode.Preview)
            throw new RuleException($"La campagna {c.Code} è in modalità anteprima: le chiamate le avvia l'operatore dal desk. Scegliere power o predictive.", "dialer-preview-mode");
        if (await RegisterProblemAsync(services, ct) is { } problem) throw new RuleException(problem, Compliance.ComplianceGate.StaleRule);
        if (!c.DialerActive)
        {
            c.DialerActive = true;
            c.DialerStartedAt = clock.GetUtcNow().UtcDateTime;
            c.DialerStartedBy = user;
            c.Version++;
            audit.Add("dialer-start", "campaign", c.Id.ToString(), details: $"{c.Code} {c.DialMode}");
            using var writer = await SqliteWriteGate.EnterAsync(db, ct);
            await db.SaveChangesAsync(ct);
        }
        await bus.PublishAsync(BusTopics.Wallboard, campaignId.ToString(), ct);
        return await StatusAsync(campaignId, ct);
    }

    /// <summary>Stops placing new calls at once; calls in flight are followed to their end.</summary>
    public async Task<DialerStatusDto> StopAsync(int campaignId, CancellationToken ct = default)
    {
        var c = await db.Campaigns().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("Campagna non trovata.");
        if (c.DialerActive)
        {
            c.DialerActive = false;
            c.Version++;
            audit.Add("dialer-stop", "campaign", c.Id.ToString(), details: c.Code);
            using var writer = await SqliteWriteGate.EnterAsync(db, ct);
            await db.SaveChangesAsync(ct);
        }
        await bus.PublishAsync(BusTopics.Wallboard, campaignId.ToString(), ct);
        return await StatusAsync(campaignId, ct);
    }

    public async Task<DialerStatusDto> StatusAsync(int campaignId, CancellationToken ct = default)
    {
        var c = await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("Campagna non trovata.");
        var s = await db.DialerRunnerStates().AsNoTracking().FirstOrDefaultAsync(x => x.CampaignId == campaignId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var running = s is not null && now - s.HeartbeatAt < Heartbeat;
        string hold, message;
        if (c.DialMode == DialMode.Preview) (hold, message) = ("Preview", "Modalità anteprima: le chiamate le avvia l'operatore dal desk.");
        else if (!c.DialerActive) (hold, message) = ("Stopped", "Composizione automatica ferma: avviarla per chiamare.");
        else if (!running) (hold, message) = ("NotRunning", "Avviata ma nessun nodo la sta eseguendo (servizio dialer spento o in avvio).");
        else (hold, message) = (s!.Hold, s.HoldMessage ?? "");
        return new DialerStatusDto(c.Id, c.Code, Camel(c.DialMode.ToString()), c.DialerActive, c.DialerStartedAt, c.DialerStartedBy,
            running, s?.NodeId, s?.HeartbeatAt, hold, message, s?.DialLevel ?? 0, s?.Ringing ?? 0, s?.Waiting ?? 0, s?.Connected ?? 0,
            s?.OperatorsReady ?? 0, s?.OperatorsLoggedIn ?? 0, s?.AbandonRateWindow ?? 0, c.AbandonLimitPercent, Camel(c.AbandonWindow.ToString()),
            s?.LearnedAnswerRate ?? 0);
    }

    static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>The operator joins a power or predictive campaign: its answered calls may now be connected to them while they are ready.</summary>
    public async Task JoinAsync(int campaignId, string userId, CancellationToken ct = default)
    {
        var c = await db.Campaigns().AsNoTracking().Include(x => x.Operators).FirstOrDefaultAsync(x => x.Id == campaignId, ct)
                ?? throw new NotFoundException("Campagna non trovata.");
        if (c.Retired) throw new RuleException($"La campagna {c.Code} è obsoleta.", "campaign-retired");
        if (c.Operators.Count > 0 && c.Operators.All(o => o.UserId != userId)) throw new ForbiddenException($"Non sei tra gli operatori della campagna {c.Code}.");
        if (c.DialMode == DialMode.Preview)
            throw new RuleException($"La campagna {c.Code} è in modalità anteprima: usare «Prossimo» sul desk.", "dialer-preview-mode");
        var now = clock.GetUtcNow().UtcDateTime;
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var n = await db.OperatorPresence().Where(p => p.UserId == userId && p.BarOpenUntil > now && p.State != OperatorState.Offline)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.DialerCampaignId, campaignId).SetProperty(p => p.Version, p => p.Version + 1), ct);
        if (n == 0) throw new RuleException("Aprire la barra telefonica prima di entrare nella campagna.", "phone-bar-closed");
        await bus.PublishAsync(BusTopics.User(userId), "", ct);
        await bus.PublishAsync(BusTopics.Wallboard, campaignId.ToString(), ct);
    }

    public async Task LeaveAsync(string userId, CancellationToken ct = default)
    {
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var campaign = await db.OperatorPresence().Where(p => p.UserId == userId).Select(p => p.DialerCampaignId).FirstOrDefaultAsync(ct);
        await db.OperatorPresence().Where(p => p.UserId == userId && p.DialerCampaignId != null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.DialerCampaignId, (int?)null).SetProperty(p => p.Version, p => p.Version + 1), ct);
        await bus.PublishAsync(BusTopics.User(userId), "", ct);
        if (campaign is not null) await bus.PublishAsync(BusTopics.Wallboard, campaign.Value.ToString(), ct);
    }

    /// <summary>The campaign the operator joined, if any.</summary>
    public Task<int?> JoinedAsync(string userId, CancellationToken ct = default) =>
        db.OperatorPresence().AsNoTracking().Where(p => p.UserId == userId).Select(p => p.DialerCampaignId).FirstOrDefaultAsync(ct);

    /// <summary>The dialer call connected to the operator whose name they still hold (talking or closing it), newest first.</summary>
    public Task<DialerConnectedDto?> ConnectedAsync(string userId, CancellationToken ct = default) =>
        (from d in db.DialerCalls().AsNoTracking()
         join e in db.CampaignEntries() on d.EntryId equals e.Id
         where d.OperatorUserId == userId && d.ConnectedAt != null && e.LeaseHolder == userId
         orderby d.ConnectedAt descending
         select new DialerConnectedDto(d.Id, d.CampaignId, d.EntryId, d.CustomerId, d.Number, d.ConnectedAt!.Value)).FirstOrDefaultAsync(ct);

    /// <summary>
    /// After the operator closed a name the dialer connected: the bar leaves wrap-up and is ready for the next call.
    /// </summary>
    public async Task AfterCloseAsync(string userId, long entryId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var callIds = db.TelephonyCalls().Where(t => t.CampaignEntryId == entryId).Select(t => (long?)t.Id);
        // No SQLite write gate here: the desk calls this while it still holds it (one statement; SQLite's busy wait covers it).
        var n = await db.OperatorPresence().Where(p => p.UserId == userId && p.State == OperatorState.WrapUp && callIds.Contains(p.CurrentCallId))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Ready).SetProperty(p => p.StateSince, now).SetProperty(p => p.IdleSince, now)
                .SetProperty(p => p.CurrentCallId, (long?)null).SetProperty(p => p.Version, p => p.Version + 1), ct);
        if (n > 0) await bus.PublishAsync(BusTopics.User(userId), "", ct);
    }

    /// <summary>
    /// Null when the Registro Pubblico delle Opposizioni was imported within RPODAYS days; else why dialing may not
    /// start (the compliance module's gate, cached a few seconds: the runners ask it on every tick).
    /// </summary>
    public static Task<string?> RegisterProblemAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<Compliance.ComplianceGate>().CheckRegisterAsync(ct);
}
