using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>
/// One rule holding a name back. <c>code</c> is stable kebab-case; <c>message</c> is Italian;
/// <c>blocking</c> false marks information that does not stop the call by itself (the dialer is not
/// running the campaign, say).
/// </summary>
public sealed record DialabilityReason(string Code, string Message, bool Blocking = true);

/// <summary>GET /campaign-entries/{id}/dialability: whether the name may be called now, the number dialed, and every rule that says no.</summary>
public sealed record DialabilityDto(long EntryId, bool Dialable, string? Number, List<DialabilityReason> Reasons);

/// <summary>What the rules look at, for one entry at one moment (gathered by <see cref="EntryDialability.FactsAsync"/>).</summary>
/// <param name="Entry">The campaign entry.</param>
/// <param name="Campaign">Its campaign.</param>
/// <param name="Number">The number the dialer would dial (E.164), null when the record has no valid one.</param>
/// <param name="ListedFor">Why <paramref name="Number"/> is on the do-not-call list (empty: it is not).</param>
/// <param name="LastAbandonedAt">When the latest abandoned call to <paramref name="Number"/> within the lockout ended, if any.</param>
/// <param name="CallInFlight">A dialer call to this entry is not yet ended.</param>
/// <param name="RegisterGateMessage"><see cref="ComplianceGate.CheckRegisterAsync"/>'s answer: null when the register check is fresh.</param>
/// <param name="UserNames">Display names of the users the entry names (lease holder, callback owner, assignee), by id.</param>
public sealed record DialabilityFacts(
    CampaignEntry Entry,
    Campaign Campaign,
    string? Number,
    IReadOnlyCollection<DoNotCallSource> ListedFor,
    DateTime? LastAbandonedAt,
    bool CallInFlight,
    string? RegisterGateMessage,
    IReadOnlyDictionary<string, string>? UserNames = null);

/// <summary>
/// Why a campaign name is (not) being called: every rule in one place, evaluated all together so the
/// answer lists each one that holds the name back, not only the first. The desk's panel and the API
/// explain with it; the dialer's claim applies the same rules (its SQL mirrors
/// <see cref="Evaluate"/>, and a test compares the two), and may call the static helpers.
/// </summary>
public sealed class EntryDialability(SchedarioDb db, TimeProvider clock, ComplianceGate gate)
{
    /// <summary>Prefix of <see cref="CampaignEntry.LeaseHolder"/> values the dialer service writes.</summary>
    public const string DialerLeasePrefix = "dialer:";

    /// <summary>
    /// Explains one entry now. <paramref name="viewerUserId"/>: the operator asking (their own lease
    /// and callbacks are not held against them); null asks as the dialer does (any live lease, any
    /// callback reserved to an operator holds the name back). 404 when the entry does not exist or its
    /// record is not visible to the caller.
    /// </summary>
    public async Task<DialabilityDto> ExplainAsync(long entryId, string? viewerUserId, CancellationToken ct = default)
    {
        var facts = await FactsAsync(entryId, ct);
        var reasons = Evaluate(facts, clock.GetUtcNow().UtcDateTime, clock.GetLocalNow(), viewerUserId);
        return new DialabilityDto(entryId, reasons.All(r => !r.Blocking), facts.Number, reasons);
    }

    /// <summary>Reads what <see cref="Evaluate"/> needs for one entry (a handful of indexed reads).</summary>
    public async Task<DialabilityFacts> FactsAsync(long entryId, CancellationToken ct = default)
    {
        var entry = await db.CampaignEntries().AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct)
                    ?? throw new NotFoundException("Nominativo in campagna non trovato.");
        // Same visibility as the call card: the record is read through the visibility filter.
        var customer = await db.Set<Customer>().AsNoTracking().Where(c => c.Id == entry.CustomerId)
                           .Select(c => new { c.MainPhone }).FirstOrDefaultAsync(ct)
                       ?? throw new NotFoundException("Nominativo in campagna non trovato.");
        var campaign = await db.Campaigns().AsNoTracking().FirstAsync(c => c.Id == entry.CampaignId, ct);
        var number = NumberToDial(customer.MainPhone);
        var now = clock.GetUtcNow().UtcDateTime;

        List<DoNotCallSource> listed = [];
        DateTime? abandoned = null;
        if (number is not null)
        {
            listed = await db.DoNotCall().Where(d => d.Number == number).Select(d => d.Source).ToListAsync(ct);
            var since = now.AddHours(-Math.Max(0, campaign.AbandonLockoutHours));
            abandoned = await db.DialerCalls().Where(c => c.Number == number && c.Result == DialerCallResult.Abandoned && c.EndedAt > since)
                .MaxAsync(c => c.EndedAt, ct);
        }
        var inFlight = await db.DialerCalls().AnyAsync(c => c.EntryId == entryId && c.State != DialerCallState.Ended, ct);
        var registerMessage = await gate.CheckRegisterAsync(ct);

        var userIds = new[] { entry.LeaseHolder, entry.CallbackUserId, entry.AssignedUserId }.OfType<string>().Distinct().ToList();
        var names = userIds.Count == 0
            ? new Dictionary<string, string>()
            : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, ct);
        return new DialabilityFacts(entry, campaign, number, listed, abandoned, inFlight, registerMessage, names);
    }

    /// <summary>
    /// Every rule, in the order an operator reads them. Pure: the same facts and clock give the same
    /// answer, so a test can hold it against the dialer's claim.
    /// </summary>
    public static List<DialabilityReason> Evaluate(DialabilityFacts f, DateTime utcNow, DateTimeOffset localNow, string? viewerUserId)
    {
        var reasons = new List<DialabilityReason>();
        var e = f.Entry;
        var c = f.Campaign;
        string Name(string id) => f.UserNames?.GetValueOrDefault(id) ?? id;
        string Local(DateTime utc) => (DateTime.SpecifyKind(utc, DateTimeKind.Utc) + localNow.Offset).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

        if (c.Retired)
            reasons.Add(new("campaign-retired", $"La campagna {c.Code} è obsoleta: non viene più chiamata."));
        if (!IsCallingDay(c.CallingDays, localNow))
            reasons.Add(new("campaign-calling-days", $"Oggi la campagna {c.Code} non si chiama (giorni di chiamata)."));
        if (!InCallingHours(c.CallFrom, c.CallTo, TimeOnly.FromDateTime(localNow.DateTime)))
            reasons.Add(new("campaign-calling-hours", $"Fuori orario: la campagna {c.Code} si chiama dalle {c.CallFrom:HH:mm} alle {c.CallTo:HH:mm}."));
        if (f.RegisterGateMessage is { } stale)
            reasons.Add(new(ComplianceGate.StaleRule, stale));

        if (IsClosed(e.State))
            reasons.Add(new("entry-closed", $"Il nominativo è chiuso in questa campagna ({StateLabel(e.State)}): non va più chiamato."));
        if (e.State == EntryState.ToCall && AttemptsUsed(e.Attempts, c.MaxAttempts))
            reasons.Add(new("attempts-used", $"Tentativi esauriti: {e.Attempts} su {c.MaxAttempts} ammessi dalla campagna."));
        if (e.State == EntryState.ToCall && e.NextCallAt > utcNow)
            reasons.Add(new("retry-delay", $"Da richiamare non prima del {Local(e.NextCallAt.Value)} (attesa tra un tentativo e l'altro)."));
        if (e.State == EntryState.Callback)
        {
            if (e.NextCallAt > utcNow)
                reasons.Add(new("callback-not-due", $"Richiamo fissato per il {Local(e.NextCallAt.Value)}: non prima."));
            if (e.CallbackUserId is { } owner && owner != viewerUserId)
                reasons.Add(new("callback-owner", $"Il richiamo è riservato a {Name(owner)}: lo fa solo quell'operatore."));
        }
        if (e.AssignedUserId is { } assignee && viewerUserId is not null && assignee != viewerUserId && e.State == EntryState.ToCall)
            reasons.Add(new("assigned-to-other", $"Il nominativo è assegnato a {Name(assignee)}: il desk lo serve a quell'operatore.", Blocking: false));

        if (f.Number is null)
            reasons.Add(new("no-phone", "L'anagrafica non ha un numero di telefono valido."));
        foreach (var source in f.ListedFor.Distinct().OrderBy(s => s))
            reasons.Add(source == DoNotCallSource.Register
                ? new("opposition-register", $"Il numero {f.Number} è iscritto nel Registro Pubblico delle Opposizioni.")
                : new("do-not-call", $"Il numero {f.Number} è nella lista da non chiamare ({DoNotCallService.SourceLabel(source)})."));
        if (f.LastAbandonedAt is { } abandonedAt && AbandonLockoutApplies(abandonedAt, c.AbandonLockoutHours, utcNow))
            reasons.Add(new("abandon-lockout", $"Una chiamata a {f.Number} è stata abbandonata il {Local(abandonedAt)}: non si richiama prima del {Local(abandonedAt.AddHours(c.AbandonLockoutHours))} ({c.AbandonLockoutHours} ore)."));

        if (e.LeaseHolder is { } holder && e.LeaseUntil >= utcNow && holder != viewerUserId)
            reasons.Add(holder.StartsWith(DialerLeasePrefix, StringComparison.Ordinal)
                ? new("leased", $"Il dialer ha preso il nominativo per chiamarlo (fino alle {Local(e.LeaseUntil.Value)[11..]}).")
                : new("leased", $"Il nominativo è in carico a {Name(holder)} fino alle {Local(e.LeaseUntil.Value)[11..]}."));
        if (f.CallInFlight)
            reasons.Add(new("call-in-flight", "Una chiamata del dialer a questo nominativo è in corso."));
        if (!c.DialerActive && c.DialMode != DialMode.Preview)
            reasons.Add(new("dialer-not-started", $"La composizione automatica della campagna {c.Code} non è avviata: il nominativo si chiama solo dal desk.", Blocking: false));
        return reasons;
    }

    // Helpers the dialer may reuse, so its rules and this explanation cannot drift apart.

    /// <summary>Positive, negative, unworkable, do not call, exhausted, merged: the name is done in this campaign.</summary>
    public static bool IsClosed(EntryState s) => s is not (EntryState.ToCall or EntryState.Callback);

    /// <summary>The call center's calling day flag for a local time (Monday = 1).</summary>
    public static CallingDays Today(DateTimeOffset localNow) => (CallingDays)(1 << (((int)localNow.DayOfWeek + 6) % 7));

    public static bool IsCallingDay(CallingDays days, DateTimeOffset localNow) => (days & Today(localNow)) != 0;

    /// <summary>Both ends set: from ≤ time ≤ to (the desk's rule); otherwise any time.</summary>
    public static bool InCallingHours(TimeOnly? from, TimeOnly? to, TimeOnly time) =>
        from is not { } f || to is not { } t || (time >= f && time <= t);

    /// <summary>0 = unlimited.</summary>
    public static bool AttemptsUsed(int attempts, int maxAttempts) => maxAttempts > 0 && attempts >= maxAttempts;

    public static bool AbandonLockoutApplies(DateTime lastAbandonedEndedAt, int lockoutHours, DateTime utcNow) =>
        lockoutHours > 0 && lastAbandonedEndedAt.AddHours(lockoutHours) > utcNow;

    /// <summary>
    /// The number the dialer dials: the record's main phone (the registry keeps it on the record on every
    /// write: the phone marked main, else the first), in E.164; null when there is none or it is not valid.
    /// </summary>
    public static string? NumberToDial(string? mainPhone) => DoNotCallService.Normalize(mainPhone);

    /// <summary>
    /// The dialer claim statement's number rules (<c>DialerSql</c>, SQLite and PostgreSQL alike): true when the
    /// number <paramref name="numberSql"/> (a SQL expression of an E.164 number, e.g. <c>c."MainPhone"</c>) is on
    /// no do-not-call row of any source and had no call abandoned after <paramref name="lockoutSinceParameter"/>
    /// (bind it to now − the campaign's <see cref="Campaign.AbandonLockoutHours"/>, UTC). Both probes are
    /// index lookups (the list's primary key; the abandoned calls' filtered index on number, end).
    /// The same rules as <see cref="Evaluate"/>'s do-not-call, opposition-register and abandon-lockout.
    /// <paramref name="perRowProbes"/> (PostgreSQL) fences each probe with <c>OFFSET 0</c> so the planner keeps
    /// it a lookup per name instead of an anti-join over the whole list (ADR 0019, 0020).
    /// </summary>
    public static string NumberAllowedSql(string numberSql, string lockoutSinceParameter = "@lockoutSince", bool perRowProbes = false)
    {
        var fence = perRowProbes ? " OFFSET 0" : "";
        return $"""
            (NOT EXISTS (SELECT 1 FROM do_not_call dnc WHERE dnc."Number" = {numberSql}{fence})
             AND NOT EXISTS (SELECT 1 FROM dialer_calls abandoned WHERE abandoned."Number" = {numberSql} AND abandoned."Result" = 'Abandoned' AND abandoned."EndedAt" > {lockoutSinceParameter}{fence}))
            """;
    }

    static string StateLabel(EntryState s) => s switch
    {
        EntryState.Positive => "chiuso positivo",
        EntryState.Negative => "chiuso negativo",
        EntryState.Unworkable => "non lavorabile",
        EntryState.DoNotCall => "non chiamare",
        EntryState.Exhausted => "tentativi esauriti",
        EntryState.Merged => "unito ad altra anagrafica",
        _ => CampaignService.StateName(s),
    };
}
