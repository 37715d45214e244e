using Microsoft.EntityFrameworkCore;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.PhoneBar;

/// <summary>What the phone bar shows: the operator's state and, while a call rings or talks, who it is.</summary>
public sealed record PhoneBarDto(
    string State, string? PauseReason, DateTime StateSince, string? Extension, bool BarOpen,
    long? CallId, string? CallDirection, string? CallerNumber, string? CalledNumber, string? ServiceName,
    Guid? CustomerId, string? CustomerName, int Matches, string? OwnerName, bool OwnerIsMe, long? InboundContactId, DateTime? CallAnsweredAt,
    int? LastContacts = null);

public sealed record PhoneBarStateInput(string? State, string? PauseReason);

public sealed record PhoneBarOpenInput(string? Extension);

/// <summary>
/// The operator's side of presence: open the bar (and keep it open), go ready, pause with a reason,
/// go offline. Seed 003: an operator receives inbound calls only when logged in with the phone bar
/// open and ready. Calls move the state on their own (ringing, on a call, wrap-up) through
/// <see cref="Inbound.InboundRouter"/>.
/// </summary>
public sealed class PresenceService(SchedarioDb db, TimeProvider clock, ICallCenterBus bus, CallerCard callers) : Identity.ISignOutHandler
{
    /// <summary>Logging out closes the bar at once: no call is offered to someone who left.</summary>
    public Task OnSignOutAsync(string userId, CancellationToken ct) => CloseBarAsync(userId, ct);

    /// <summary>How long an open bar counts as open without a heartbeat (the bar beats every 15 s).</summary>
    public static readonly TimeSpan BarLease = TimeSpan.FromSeconds(45);

    /// <summary>The reasons an operator can give for a pause.</summary>
    public static readonly string[] PauseReasons = ["Pausa", "Pranzo", "Formazione", "Riunione", "Back office"];

    /// <summary>The pause the system puts an operator in who let an offered call ring out.</summary>
    public const string MissedCallPause = "Chiamata non risposta";

    /// <summary>The bar in one query: presence, the current call, its service, the caller's name and owner.</summary>
    public async Task<PhoneBarDto> GetAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await callers.BarAsync(userId, ct);
        if (row is null) return new PhoneBarDto(nameof(OperatorState.Offline), null, now, null, false,
            null, null, null, null, null, null, null, 0, null, false, null, null);
        var (p, call) = (row.Presence, row.Call);
        return new PhoneBarDto(p.State.ToString(), p.PauseReason, p.StateSince, p.Extension, p.BarOpenUntil > now,
            call?.CallId, call?.Direction, call?.CallerNumber, call?.CalledNumber, call?.ServiceName,
            call?.CustomerId, call?.CustomerName, call?.Matches ?? 0, call?.OwnerName, call?.OwnerIsMe ?? false, call?.InboundContactId, call?.AnsweredAt,
            call?.LastContacts);
    }

    /// <summary>Opens the bar or keeps it open (a heartbeat); the extension defaults to the user name.</summary>
    public async Task<PhoneBarDto> OpenAsync(string userId, string userName, string? extension, CancellationToken ct = default)
    {
        extension = string.IsNullOrWhiteSpace(extension) ? null : extension.Trim();
        if (extension is { Length: > 40 }) throw new ValidationException(new FieldErrors().Add("extension", "Al massimo 40 caratteri."));
        // A heartbeat only extends the bar's lease: when a call moved the presence meanwhile (router, dialer), read it again and retry.
        for (var attempt = 1; ; attempt++)
        {
            try { return await OpenOnceAsync(userId, userName, extension, ct); }
            catch (ConcurrencyException) when (attempt < 3) { db.ChangeTracker.Clear(); }
        }
    }

    async Task<PhoneBarDto> OpenOnceAsync(string userId, string userName, string? extension, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var p = await db.OperatorPresence().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        var changed = false;
        if (p is null)
        {
            p = new OperatorPresence { UserId = userId, UserName = userName, State = OperatorState.Offline, StateSince = now, IdleSince = now, Extension = extension ?? userName };
            db.Add(p);
            changed = true;
        }
        else if (extension is not null && extension != p.Extension) { p.Extension = extension; changed = true; }
        changed |= p.BarOpenUntil is null || p.BarOpenUntil <= now;
        p.BarOpenUntil = now + BarLease;
        p.NodeId = bus.NodeId;
        p.UserName = userName;
        p.Version++;
        await SaveAsync(ct);
        if (changed) await bus.PublishAsync(BusTopics.User(userId), "", ct);
        return await GetAsync(userId, ct);
    }

    /// <summary>Ready, paused (with a reason) or offline. Ringing, on a call and wrap-up come from calls, not from here.</summary>
    public async Task<PhoneBarDto> SetStateAsync(string userId, string userName, PhoneBarStateInput input, CancellationToken ct = default)
    {
        var target = Enum.TryParse<OperatorState>(input.State, true, out var s) ? s : (OperatorState?)null;
        var errors = new FieldErrors();
        if (target is not (OperatorState.Ready or OperatorState.Paused or OperatorState.Offline))
            errors.Add("state", "Usare ready, paused o offline.");
        var reason = input.PauseReason?.Trim();
        if (target == OperatorState.Paused && !PauseReasons.Contains(reason, StringComparer.OrdinalIgnoreCase))
            errors.Add("pauseReason", $"Indicare il motivo della pausa: {string.Join(", ", PauseReasons)}.");
        if (errors.Any) throw new ValidationException(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var p = await db.OperatorPresence().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is null || p.BarOpenUntil <= now)
        {
            if (target != OperatorState.Offline)
                throw new RuleException("Aprire la barra telefonica prima di mettersi pronti o in pausa.", "bar-closed");
            return await GetAsync(userId, ct);
        }
        if (p.State is OperatorState.Ringing or OperatorState.OnCall)
            throw new RuleException(p.State == OperatorState.Ringing
                ? "C'è una chiamata in arrivo: rispondere o rifiutarla prima di cambiare stato."
                : "Sei al telefono: chiudere la chiamata prima di cambiare stato.", "on-call");
        if (p.State == OperatorState.WrapUp && p.CurrentCallId is not null && target != OperatorState.Offline
            && await db.Set<Inbound.InboundContact>().AnyAsync(c => c.TelephonyCallId == p.CurrentCallId && c.Status == Inbound.InboundContactStatus.Open, ct))
            throw new RuleException("Chiudere prima la scheda della chiamata (esito e dati richiesti).", "wrap-up-open");

        var becameFree = target == OperatorState.Ready && p.State != OperatorState.Ready;
        p.State = target!.Value;
        p.PauseReason = target == OperatorState.Paused ? PauseReasons.First(r => r.Equals(reason, StringComparison.OrdinalIgnoreCase)) : null;
        p.StateSince = now;
        if (becameFree) p.IdleSince = now;
        if (target == OperatorState.Offline) p.BarOpenUntil = null;
        p.CurrentCallId = null;
        p.UserName = userName;
        p.Version++;
        await SaveAsync(ct);
        await bus.PublishAsync(BusTopics.User(userId), "", ct);
        return await GetAsync(userId, ct);
    }

    /// <summary>The bar was closed (browser tab gone): the operator goes offline unless a call is on.</summary>
    public async Task CloseBarAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var n = await db.OperatorPresence().Where(p => p.UserId == userId && p.State != OperatorState.OnCall && p.State != OperatorState.Ringing)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Offline).SetProperty(p => p.StateSince, now)
                .SetProperty(p => p.BarOpenUntil, (DateTime?)null).SetProperty(p => p.PauseReason, (string?)null).SetProperty(p => p.Version, p => p.Version + 1), ct);
        if (n > 0) await bus.PublishAsync(BusTopics.User(userId), "", ct);
    }

    async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConcurrencyException("Lo stato è cambiato nel frattempo (una chiamata in arrivo?): riprovare."); }
    }
}
