using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Settings;
using Schedario.Web.Shared;

namespace Schedario.Web.Campaigns;

/// <summary>
/// The outbound desk: Next (an atomic claim with a lease), the call card, closing a call with an
/// outcome, and the contact promise (seed 002).
/// </summary>
public sealed class DeskService(SchedarioDb db, TimeProvider clock, SettingsService settings, CustomerService customers,
    IEnumerable<IEntryCloseObserver> closeObservers, CallCenter.Compliance.DoNotCallService doNotCall, ClaimBatcher batcher)
{
    /// <summary>How long a claimed name stays with its operator before anyone else may take it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Serves the next name: callbacks due that are the operator's, callbacks due for anyone, names
    /// assigned to the operator, the shared pool. Returns the operator's live lease if they hold one
    /// (a reloaded page gets the same name back). Null when nothing is due.
    /// </summary>
    public async Task<long?> NextAsync(int campaignId, string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Calling days and hours are the call center's local time (the server's time zone).
        var local = clock.GetLocalNow();
        var today = (CallingDays)(1 << (((int)local.DayOfWeek + 6) % 7));
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (db.Provider == DatabaseProvider.Postgres)
            return await NextPostgresAsync(campaignId, userId, now, today, time, ct);

        var campaign = await db.Campaigns().AsNoTracking().Include(c => c.Operators).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        var gate = new CampaignGate(campaign is not null, campaign?.Code ?? "", campaign?.Retired ?? false,
            campaign is null || campaign.Operators.Count == 0 || campaign.Operators.Any(o => o.UserId == userId),
            campaign?.CallingDays ?? CallingDays.None, campaign?.CallFrom, campaign?.CallTo);
        gate.ThrowIfClosed(today, time);
        (string, object)[] args = [("cid", campaignId), ("me", userId), ("now", now), ("until", now + Lease), ("max", campaign!.MaxAttempts)];
        // Desk writes of this process queue in order instead of sleeping in SQLite's busy retry.
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            // BEGIN IMMEDIATE takes the write lock first, so a claim never works on a stale snapshot.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await using var cmd = Command(ClaimSql.Sqlite, args);
            var result = await cmd.ExecuteScalarAsync(ct);
            await tx.CommitAsync(ct);
            return result is null or DBNull ? (long?)null : Convert.ToInt64(result);
        });
    }

    /// <summary>
    /// PostgreSQL: one statement. It reads the campaign, claims only if the campaign may be served to
    /// this operator now, and returns the campaign's gate columns with the claimed id, so a refusal
    /// still says which rule. Outside a caller's transaction it goes through the node's
    /// <see cref="ClaimBatcher"/>: claims arriving together share one round trip (ADR 0018).
    /// </summary>
    async Task<long?> NextPostgresAsync(int campaignId, string userId, DateTime now, CallingDays today, TimeOnly time, CancellationToken ct)
    {
        var claim = new ClaimBatcher.Claim(campaignId, userId, now, now + Lease, (int)today, time);
        var row = db.Database.CurrentTransaction is null
            ? await batcher.ClaimAsync(db.Database.GetConnectionString()!, claim, ct)
            : await ClaimInTransactionAsync(claim, ct);
        if (row is null) throw new NotFoundException("Campagna non trovata.");
        if (row.ClaimedId is { } id) return id;
        new CampaignGate(true, row.Code, row.Retired, row.Allowed, (CallingDays)row.CallingDays, row.From, row.To).ThrowIfClosed(today, time);
        return null;
    }

    /// <summary>The same statement on the context's own connection, inside the caller's transaction.</summary>
    async Task<ClaimBatcher.ClaimRow?> ClaimInTransactionAsync(ClaimBatcher.Claim c, CancellationToken ct)
    {
        await using var cmd = Command(ClaimSql.Postgres, [("cid", c.CampaignId), ("me", c.UserId), ("now", c.Now), ("until", c.Until), ("day", c.Day), ("time", c.Time)]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ClaimBatcher.ClaimRow.Read(reader) : null;
    }

    /// <summary>Whether a campaign may be served to this operator now, checked in the order the operator is told.</summary>
    readonly record struct CampaignGate(bool Exists, string Code, bool Retired, bool Allowed, CallingDays Days, TimeOnly? From, TimeOnly? To)
    {
        public void ThrowIfClosed(CallingDays today, TimeOnly time)
        {
            if (!Exists) throw new NotFoundException("Campagna non trovata.");
            if (Retired) throw new RuleException($"La campagna {Code} è obsoleta: non viene più servita.", "campaign-retired");
            if (!Allowed) throw new ForbiddenException($"Non sei tra gli operatori della campagna {Code}.");
            if (!Days.HasFlag(today)) throw new RuleException($"Oggi la campagna {Code} non si chiama (giorni di chiamata).", "campaign-calling-days");
            if (From is { } from && To is { } to && (time < from || time > to))
                throw new RuleException($"La campagna {Code} si chiama dalle {from:HH:mm} alle {to:HH:mm}.", "campaign-calling-hours");
        }
    }

    DbCommand Command(string sql, (string Name, object Value)[] args)
    {
        var cmd = db.Database.GetDbConnection().CreateCommand(sql, args);
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return cmd;
    }

    public async Task<EntryDto> GetEntryAsync(long entryId, CancellationToken ct = default) =>
        await EntryQueries.Project(db, db.CampaignEntries().Where(e => e.Id == entryId)).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Nominativo in campagna non trovato.");

    /// <summary>The desk's card: the live registry record, its last contacts, its history here and its other campaigns.</summary>
    public async Task<DeskCard> CardAsync(long entryId, CancellationToken ct = default)
    {
        var entry = await GetEntryAsync(entryId, ct);
        var campaign = await db.Campaigns().AsNoTracking().Include(c => c.Operators).FirstAsync(c => c.Id == entry.CampaignId, ct);
        var typeName = await db.Set<CampaignType>().Where(t => t.Id == campaign.TypeId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        var customer = await customers.GetAsync(entry.CustomerId, ct);
        var last = await settings.GetIntAsync(SettingCodes.LastContacts, ct);
        var lastContacts = await Calls(db.Calls().Where(c => c.CustomerId == entry.CustomerId)).Take(last).ToListAsync(ct);
        var history = await Calls(db.Calls().Where(c => c.EntryId == entryId)).ToListAsync(ct);
        var others = await (from e in db.CampaignEntries()
                            join c in db.Campaigns() on e.CampaignId equals c.Id
                            where e.CustomerId == entry.CustomerId && e.Id != entryId
                            orderby c.StartDate descending
                            select new { c.Id, c.Code, c.Name, e.State, e.AssignedUserId, c.Retired }).ToListAsync(ct);
        return new DeskCard(entry, CampaignService.ToDto(campaign, typeName), customer, lastContacts, history,
            others.Select(o => new OtherCampaignDto(o.Id, o.Code, o.Name, CampaignService.StateName(o.State), o.AssignedUserId, o.Retired)).ToList());
    }

    IQueryable<CallDto> Calls(IQueryable<Call> q) =>
        from c in q
        join k in db.Campaigns() on c.CampaignId equals k.Id
        orderby c.StartedAt descending, c.Id descending
        select new CallDto(c.Id, c.CampaignId, k.Code, c.OperatorName, c.StartedAt, c.EndedAt, c.DurationSeconds, c.OutcomeCode, c.Note, c.PromiseCampaignId);

    /// <summary>
    /// Seed 002's eligible future campaigns: created and not retired, of the same type, starting after
    /// this campaign ends; at most CC0028 of them, nearest start first.
    /// </summary>
    public async Task<List<PromiseTarget>> PromiseTargetsAsync(int campaignId, CancellationToken ct = default)
    {
        var current = await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw new NotFoundException("Campagna non trovata.");
        var n = await settings.GetIntAsync(SettingCodes.FutureCampaignsForPromise, ct);
        if (n <= 0)
            throw new RuleException("La promessa contatto non è utilizzabile: il parametro CC0028 (campagne future visibili) deve essere maggiore di zero. Chiedere all'amministratore.", "CC0028");
        return await db.Campaigns().AsNoTracking()
            .Where(c => !c.Retired && c.TypeId == current.TypeId && c.StartDate > current.EndDate && c.Id != current.Id)
            .OrderBy(c => c.StartDate).ThenBy(c => c.Id).Take(n)
            .Select(c => new PromiseTarget(c.Id, c.Code, c.Name, c.StartDate, c.EndDate)).ToListAsync(ct);
    }

    /// <summary>Checks each seed-002 rule on its own, so the operator is told which one failed.</summary>
    async Task CheckPromiseTargetAsync(Campaign current, int targetId, CancellationToken ct)
    {
        var listed = await PromiseTargetsAsync(current.Id, ct);
        var target = await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(c => c.Id == targetId, ct)
                     ?? throw new RuleException("La campagna scelta per la promessa contatto non esiste.", "promise-target-unknown");
        if (target.Retired)
            throw new RuleException($"La campagna {target.Code} è obsoleta: non può ricevere una promessa contatto.", "promise-target-retired");
        if (target.TypeId != current.TypeId)
            throw new RuleException($"La campagna {target.Code} non è dello stesso tipo di {current.Code}.", "promise-target-type");
        if (target.StartDate <= current.EndDate)
            throw new RuleException($"La campagna {target.Code} inizia il {Format.Date(target.StartDate)}: deve iniziare dopo la fine di {current.Code} ({Format.Date(current.EndDate)}).", "promise-target-start-date");
        if (listed.All(t => t.Id != targetId))
            throw new RuleException($"La campagna {target.Code} non è tra le prime {listed.Count} campagne future mostrate (parametro CC0028).", "promise-target-not-listed");
    }

    public async Task<CloseResult> CloseAsync(long entryId, CloseInput input, string userId, string userName, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var entry = await db.CampaignEntries().FirstOrDefaultAsync(e => e.Id == entryId, ct) ?? throw new NotFoundException("Nominativo in campagna non trovato.");
        if (entry.LeaseHolder != userId)
            throw new RuleException("Il nominativo non è in carico a te: prendilo con «Prossimo» prima di chiudere la chiamata.", "lease-not-held");
        if (entry.LeaseUntil < now)
            throw new RuleException("Il tempo di presa in carico del nominativo è scaduto: riprenderlo con «Prossimo».", "lease-expired");
        var campaign = await db.Campaigns().AsNoTracking().FirstAsync(c => c.Id == entry.CampaignId, ct);

        var errors = new FieldErrors();
        var code = input.OutcomeCode?.Trim().ToUpperInvariant();
        Outcome? outcome = null;
        if (string.IsNullOrEmpty(code)) errors.Add("outcomeCode", "Indicare l'esito.");
        else if ((outcome = await db.Outcomes().AsNoTracking().FirstOrDefaultAsync(o => o.Code == code && o.Active, ct)) is null)
            errors.Add("outcomeCode", $"Esito sconosciuto: '{input.OutcomeCode}'.");
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 2000 }) errors.Add("note", "Al massimo 2000 caratteri.");
        if (outcome is { NeedsNote: true } && note is null) errors.Add("note", $"L'esito {outcome.Code} richiede una nota.");
        if (outcome is { NeedsCallbackTime: true } && input.CallbackAt is null) errors.Add("callbackAt", $"L'esito {outcome.Code} richiede data e ora del richiamo.");
        var callbackAt = input.CallbackAt?.ToUniversalTime();
        if (outcome is { Category: OutcomeCategory.Callback } && callbackAt <= now) errors.Add("callbackAt", "Il richiamo deve essere nel futuro.");
        var owner = input.CallbackOwner?.Trim().ToLowerInvariant();
        if (owner is not (null or "me" or "anyone")) errors.Add("callbackOwner", "Usare 'me' o 'anyone'.");
        var promiseAllowed = outcome is not null && (outcome.ContactPromise || campaign.AutoContactPromise && (outcome.Adhesion || outcome.Appointment));
        if (outcome is { ContactPromise: true } && input.PromiseCampaignId is null)
            errors.Add("promiseCampaignId", "La promessa contatto richiede la campagna futura in cui inserire il nominativo.");
        if (outcome is not null && !promiseAllowed && input.PromiseCampaignId is not null)
            errors.Add("promiseCampaignId", $"L'esito {outcome.Code} non prevede una promessa contatto.");
        if (errors.Any) throw new ValidationException(errors);
        var promiseId = promiseAllowed ? input.PromiseCampaignId : null;
        if (outcome!.ContactPromise && await settings.GetIntAsync(SettingCodes.FutureCampaignsForPromise, ct) <= 0)
            throw new RuleException("La promessa contatto non è utilizzabile: il parametro CC0028 (campagne future visibili) deve essere maggiore di zero.", "CC0028");
        if (promiseId is { } pid) await CheckPromiseTargetAsync(campaign, pid, ct);

        var started = entry.ClaimedAt ?? now;
        var call = new Call
        {
            CampaignId = campaign.Id, EntryId = entry.Id, CustomerId = entry.CustomerId, OperatorUserId = userId, OperatorName = userName,
            StartedAt = started, EndedAt = now, DurationSeconds = (int)Math.Max(0, (now - started).TotalSeconds),
            OutcomeId = outcome.Id, OutcomeCode = outcome.Code, Note = note, PromiseCampaignId = promiseId,
        };
        entry.Attempts++;
        entry.LastOutcomeId = outcome.Id;
        entry.LastCallAt = now;
        entry.LeaseHolder = null;
        entry.LeaseUntil = null;
        entry.ClaimedAt = null;
        entry.CallbackUserId = null;
        entry.Version++;
        EntryOutcomes.Apply(entry, outcome, campaign, now, callbackAt, owner == "anyone" ? null : userId);
        // A contact promise is a positive closure whatever the outcome's own category.
        if (promiseId is not null) { entry.State = EntryState.Positive; entry.NextCallAt = null; }
        db.Add(call);
        // "Do not call me": the record's numbers go on the do-not-call list in the same save as the
        // outcome, so no dialer or desk can reach the person again, not even a second later.
        if (outcome.Category == OutcomeCategory.DoNotCall)
        {
            var numbers = await db.Set<CustomerPhone>().Where(p => p.CustomerId == entry.CustomerId && p.ReferentId == null).Select(p => (string?)p.E164).ToListAsync(ct);
            numbers.Add(await db.Set<Customer>().IgnoreQueryFilters().Where(c => c.Id == entry.CustomerId).Select(c => c.MainPhone).FirstOrDefaultAsync(ct));
            await doNotCall.StageOptOutAsync(numbers, entry.CustomerId, userName, $"Esito {outcome.Code} ({campaign.Code}){(note is null ? "" : ": " + note)}", ct);
        }

        var alreadyThere = false;
        using var gate = await SqliteWriteGate.EnterAsync(db, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (promiseId is { } target)
            {
                alreadyThere = await db.CampaignEntries().AnyAsync(e => e.CampaignId == target && e.CustomerId == entry.CustomerId, ct);
                // The operator who took the promise calls the name again in the future campaign.
                if (!alreadyThere)
                    db.Add(new CampaignEntry { CampaignId = target, CustomerId = entry.CustomerId, State = EntryState.ToCall, AssignedUserId = userId, CreatedAt = now });
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new ConcurrencyException("Il nominativo è stato modificato nel frattempo: riprenderlo con «Prossimo»."); }
            await tx.CommitAsync(ct);
        });
        foreach (var observer in closeObservers) await observer.OnEntryClosedAsync(entryId, userId, ct);
        return new CloseResult(await GetEntryAsync(entryId, ct), call.Id, promiseId, alreadyThere);
    }

    /// <summary>Gives a claimed name back without a call (the operator skips it).</summary>
    public async Task ReleaseAsync(long entryId, string userId, CancellationToken ct = default)
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, ct);
        await db.CampaignEntries().Where(e => e.Id == entryId && e.LeaseHolder == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseHolder, (string?)null).SetProperty(e => e.LeaseUntil, (DateTime?)null).SetProperty(e => e.Version, e => e.Version + 1), ct);
    }
}

/// <summary>
/// Next's claim statement (ADR 7 and 8). One indexed <c>LIMIT 1</c> per tier, tried in order through
/// <c>COALESCE</c> (it stops at the first non-null one), after the operator's own live lease.
/// </summary>
static class ClaimSql
{
    const string LeaseFree = """("LeaseUntil" IS NULL OR "LeaseUntil" < @now)""";

    // A name whose main phone is on the do-not-call list (opt-out, opposition register, by hand) is
    // not served: the operator would dial it (ADR 0017). Two primary-key probes per candidate, made
    // after the tier's cheap filters. On PostgreSQL the OFFSET 0 keeps the probe a per-row subplan:
    // without it the planner turns NOT EXISTS into an anti-join and, once the list holds a few rows,
    // hashes the whole customers ⋈ do_not_call join and sorts every due name of the campaign on every
    // claim (50 ms per claim on 20,000 names with 100 numbers listed; ADR 0019).
    const string NotListedPostgres = """NOT EXISTS (SELECT 1 FROM do_not_call dnc WHERE dnc."Number" = (SELECT dc."MainPhone" FROM customers dc WHERE dc."Id" = campaign_entries."CustomerId") OFFSET 0)""";
    const string NotListedSqlite = """NOT EXISTS (SELECT 1 FROM do_not_call dnc WHERE dnc."Number" = (SELECT dc."MainPhone" FROM customers dc WHERE dc."Id" = campaign_entries."CustomerId"))""";

    // Each ORDER BY starts with the column the tier pins with IS NULL: PostgreSQL does not treat
    // "x IS NULL" as fixing x, so without it the index order is not recognised and the tier sorts
    // every due name of the campaign on every claim (seq scan + sort: ADR 8).
    static string[] Tiers(string max) =>
    [
        @"""State"" = 'Callback' AND ""CallbackUserId"" = @me AND ""NextCallAt"" <= @now ORDER BY ""NextCallAt"", ""Id""",
        @"""State"" = 'Callback' AND ""CallbackUserId"" IS NULL AND ""NextCallAt"" <= @now ORDER BY ""CallbackUserId"", ""NextCallAt"", ""Id""",
        $@"""State"" = 'ToCall' AND ""AssignedUserId"" = @me AND (""NextCallAt"" IS NULL OR ""NextCallAt"" <= @now) AND ({max} = 0 OR ""Attempts"" < {max}) ORDER BY ""Priority"" DESC, ""Id""",
        $@"""State"" = 'ToCall' AND ""AssignedUserId"" IS NULL AND (""NextCallAt"" IS NULL OR ""NextCallAt"" <= @now) AND ({max} = 0 OR ""Attempts"" < {max}) ORDER BY ""AssignedUserId"", ""Priority"" DESC, ""Id""",
    ];

    static string Update(string max, string lockClause, string guard, string notListed) => $"""
        UPDATE campaign_entries
        SET "LeaseUntil" = @until, "Version" = "Version" + 1,
            "ClaimedAt" = CASE WHEN "LeaseHolder" = @me AND "LeaseUntil" >= @now THEN "ClaimedAt" ELSE @now END,
            "LeaseHolder" = @me
        WHERE "Id" = COALESCE(
            (SELECT "Id" FROM campaign_entries WHERE "CampaignId" = @cid AND "LeaseHolder" = @me AND "LeaseUntil" >= @now ORDER BY "Id" LIMIT 1),
            {string.Join(",\n    ", Tiers(max).Select(tier => $"""(SELECT "Id" FROM campaign_entries WHERE "CampaignId" = @cid AND {LeaseFree} AND {notListed} AND {tier} LIMIT 1 {lockClause})"""))})
          AND ({LeaseFree} OR ("LeaseHolder" = @me AND "LeaseUntil" >= @now)){guard}
        RETURNING "Id"
        """;

    /// <summary>SQLite: the campaign was checked by the caller; the statement runs inside BEGIN IMMEDIATE.</summary>
    public static readonly string Sqlite = Update("@max", "", "", NotListedSqlite);

    /// <summary>
    /// PostgreSQL: the campaign check rides along (one round trip). Columns: code, retired, allowed,
    /// calling days, from, to, max attempts, claimed id (null when nothing was claimed).
    /// SKIP LOCKED keeps concurrent claims off each other's rows.
    /// </summary>
    public static readonly string Postgres = $"""
        WITH k AS (
            SELECT c."Code", c."Retired",
                   NOT EXISTS (SELECT 1 FROM campaign_operators o WHERE o."CampaignId" = c."Id")
                   OR EXISTS (SELECT 1 FROM campaign_operators o WHERE o."CampaignId" = c."Id" AND o."UserId" = @me) AS allowed,
                   c."CallingDays", c."CallFrom", c."CallTo", c."MaxAttempts"
            FROM campaigns c WHERE c."Id" = @cid),
        claim AS (
        {Update(PgMax, "FOR UPDATE SKIP LOCKED", PgGuard, NotListedPostgres)})
        SELECT k."Code", k."Retired", k.allowed, k."CallingDays", k."CallFrom", k."CallTo", k."MaxAttempts", (SELECT "Id" FROM claim)
        FROM k
        """;

    const string PgMax = """(SELECT "MaxAttempts" FROM k)""";
    const string PgGuard = """

          AND EXISTS (SELECT 1 FROM k WHERE NOT k."Retired" AND k.allowed AND (k."CallingDays" & @day) <> 0
                      AND (k."CallFrom" IS NULL OR k."CallTo" IS NULL OR @time BETWEEN k."CallFrom" AND k."CallTo"))
        """;
}

/// <summary>Told after an operator closed a name on the desk (the call logged, the name moved); e.g. the dialer ends the operator's wrap-up.</summary>
public interface IEntryCloseObserver
{
    Task OnEntryClosedAsync(long entryId, string userId, CancellationToken ct);
}

/// <summary>403 from a service: the user may not do this.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

static class EntryQueries
{
    public static IQueryable<EntryDto> Project(SchedarioDb db, IQueryable<CampaignEntry> q) =>
        from e in q
        join c in db.Set<Customer>().IgnoreQueryFilters() on e.CustomerId equals c.Id
        join o in db.Outcomes() on e.LastOutcomeId equals (int?)o.Id into oo
        from o in oo.DefaultIfEmpty()
        select new EntryDto(e.Id, e.CampaignId, e.CustomerId, c.DisplayName, c.City, c.Province, c.MainPhone, CampaignService.StateName(e.State),
            o == null ? null : o.Code, e.AssignedUserId, e.Attempts, e.NextCallAt, e.CallbackUserId, e.Priority, e.LeaseHolder, e.LeaseUntil, e.LastCallAt, e.Version);
}
