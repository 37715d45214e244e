using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Shared;
using Schedario.Web.CallCenter.Compliance;

namespace Schedario.Web.Campaigns;

/// <summary>
/// The fill wizard (seed 000): filter the registry, preview, share out, fill. The fill is one
/// server-side <c>INSERT … SELECT</c>: the registry filter's own SQL is wrapped with
/// <c>row_number()</c> to pick each row's operator, so no record is loaded into memory.
/// </summary>
public sealed class WizardService(SchedarioDb db, TimeProvider clock)
{
    public const string Equal = "equal", RoundRobin = "roundRobin", Owner = "owner", Pool = "pool";
    static readonly string[] Modes = [Equal, RoundRobin, Owner, Pool];
    const int SampleSize = 20;

    public async Task<WizardPreview> PreviewAsync(int campaignId, WizardInput input, CancellationToken ct = default)
    {
        var campaign = await LoadAsync(campaignId, ct);
        Validate(input, distributionRequired: false);
        var now = clock.GetUtcNow().UtcDateTime;
        var eligible = Eligible(campaign, input, now);
        var count = await eligible.CountAsync(ct);
        var matched = await (input.Filter ?? new RegistryFilter()).Apply(db.Set<Customer>(), db).CountAsync(ct);
        var sample = await eligible.OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(SampleSize)
            .Select(c => new WizardSample(c.Id, c.DisplayName, c.City, c.Province, c.MainPhone)).ToListAsync(ct);
        return new WizardPreview(count, matched, sample);
    }

    public async Task<WizardResult> FillAsync(int campaignId, WizardInput input, CancellationToken ct = default)
    {
        var campaign = await LoadAsync(campaignId, ct);
        if (campaign.Retired)
            throw new RuleException($"La campagna {campaign.Code} è obsoleta: non si può riempire.", "campaign-retired");
        var operators = await ValidateOperatorsAsync(input, ct);
        var mode = input.Distribution!.Mode!;
        string? note = null;
        if (mode == Owner)
        {
            operators = [];
            note = campaign.PortfolioTypeId is null
                ? "La campagna non ha un tipo portafoglio: i nominativi sono andati nel pool condiviso."
                : "Ogni nominativo va all'utente del suo proprietario per il tipo portafoglio della campagna; chi non ha proprietario va nel pool condiviso.";
        }
        if (mode == Pool) operators = [];

        var now = clock.GetUtcNow().UtcDateTime;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            var (pgMatched, pgInserted) = await FillPostgresAsync(campaign, input, now, mode, operators, ct);
            return new WizardResult(pgInserted, Math.Max(0, pgMatched - pgInserted), mode, note);
        }
        var matched = await (input.Filter ?? new RegistryFilter()).Apply(db.Set<Customer>(), db).CountAsync(ct);
        var ids = Eligible(campaign, input, now).Select(c => c.Id);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = ids.CreateDbCommand();
            var inner = cmd.CommandText;
            Add(cmd, "wz_campaign", campaign.Id);
            Add(cmd, "wz_now", now);
            string assign;
            if (mode == Owner && campaign.PortfolioTypeId is { } sqlitePortfolio)
            {
                Add(cmd, "wz_pt", sqlitePortfolio);
                assign = OwnerUser;
            }
            else if (operators.Count == 0) assign = "NULL";
            else
            {
                for (var i = 0; i < operators.Count; i++) Add(cmd, $"wz_op{i}", operators[i]);
                var slot = mode == Equal ? $"((s.rn - 1) * {operators.Count}) / s.total" : $"(s.rn - 1) % {operators.Count}";
                assign = $"CASE {slot} " + string.Concat(Enumerable.Range(0, operators.Count).Select(i => $"WHEN {i} THEN @wz_op{i} ")) + "END";
            }
            cmd.CommandText = $"""
                INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "AssignedUserId", "Attempts", "Priority", "CreatedAt", "Version")
                SELECT @wz_campaign, s."Id", 'ToCall', {assign}, 0, 0, @wz_now, 1
                FROM (SELECT q."Id", row_number() OVER (ORDER BY q."Id") AS rn, count(*) OVER () AS total FROM ({inner}) AS q) AS s
                WHERE 1 = 1
                ON CONFLICT DO NOTHING
                """;
            cmd.CommandTimeout = 300;
            var inserted = await cmd.ExecuteNonQueryAsync(ct);
            return new WizardResult(inserted, Math.Max(0, matched - inserted), mode, note);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// PostgreSQL: one statement reads the filter once. A materialised CTE holds every match with its
    /// eligibility (the exclusions as a column), the INSERT takes the eligible ones, and the answer
    /// counts both, so "skipped" needs no second pass over the registry. The operator is picked from
    /// an array parameter by index instead of a CASE of one branch per operator (ADR 9).
    /// </summary>
    async Task<(int Matched, int Inserted)> FillPostgresAsync(Campaign campaign, WizardInput input, DateTime now, string mode, List<string> operators, CancellationToken ct)
    {
        var rule = EligibleRule(campaign, input, now);
        // "Matched" is the registry filter's own count (as on SQLite); the consent the wizard asks
        // for by default is an exclusion, so it goes into the eligibility column, not the filter.
        if (input.RequirePhoneConsent)
        {
            var consenting = new RegistryFilter { Consents = [new ConsentCriterion("marketing", "phone")] }.Apply(db.Set<Customer>(), db);
            rule = And(rule, x => consenting.Any(k => k.Id == x.Id));
        }
        var c = rule.Parameters[0];
        var row = Expression.Lambda<Func<Customer, FillRow>>(Expression.MemberInit(Expression.New(typeof(FillRow)),
            Expression.Bind(typeof(FillRow).GetProperty(nameof(FillRow.Id))!, Expression.Property(c, nameof(Customer.Id))),
            Expression.Bind(typeof(FillRow).GetProperty(nameof(FillRow.Ok))!, rule.Body)), c);
        var rows = (input.Filter ?? new RegistryFilter()).Apply(db.Set<Customer>(), db).Select(row);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The row numbering sorts the eligible ids: keep 100,000 of them in memory, not in temp files.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '64MB'", ct);
            await using var cmd = rows.CreateDbCommand();
            cmd.Transaction = tx.GetDbTransaction();
            var inner = cmd.CommandText;
            Add(cmd, "wz_campaign", campaign.Id);
            Add(cmd, "wz_now", now);
            string assign = "NULL", total = "";
            if (mode == Owner && campaign.PortfolioTypeId is { } portfolio)
            {
                Add(cmd, "wz_pt", portfolio);
                assign = OwnerUser;
            }
            else if (operators.Count > 0)
            {
                Add(cmd, "wz_ops", operators.ToArray());
                var n = operators.Count;
                assign = mode == Equal ? $"(@wz_ops)[((s.rn - 1) * {n}) / s.total + 1]" : $"(@wz_ops)[(s.rn - 1) % {n} + 1]";
                if (mode == Equal) total = ", count(*) OVER () AS total";
            }
            cmd.CommandText = $"""
                WITH m AS MATERIALIZED ({inner}),
                ins AS (
                    INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "AssignedUserId", "Attempts", "Priority", "CreatedAt", "Version")
                    SELECT @wz_campaign, s."Id", 'ToCall', {assign}, 0, 0, @wz_now, 1
                    FROM (SELECT m."Id", row_number() OVER (ORDER BY m."Id") AS rn{total} FROM m WHERE m."Ok") AS s
                    ON CONFLICT DO NOTHING
                    RETURNING 1)
                SELECT (SELECT count(*) FROM m)::int, (SELECT count(*) FROM ins)::int
                """;
            cmd.CommandTimeout = 300;
            int matched, inserted;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                matched = reader.GetInt32(0);
                inserted = reader.GetInt32(1);
            }
            await tx.CommitAsync(ct);
            return (matched, inserted);
        });
    }

    /// <summary>A match and whether the wizard's exclusions let it in.</summary>
    sealed class FillRow
    {
        public Guid Id { get; init; }
        public bool Ok { get; init; }
    }

    /// <summary>"owner" distribution: the user of the record's owner in the campaign's portfolio type (null = the pool).</summary>
    const string OwnerUser = """
        (SELECT sj."UserId" FROM customer_owners o JOIN subjects sj ON sj."Id" = o."SubjectId"
         WHERE o."CustomerId" = s."Id" AND o."PortfolioTypeId" = @wz_pt AND sj."Active" AND sj."UserId" IS NOT NULL)
        """;

    static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    static RegistryFilter FilterOf(WizardInput input)
    {
        var filter = input.Filter ?? new RegistryFilter();
        if (input.RequirePhoneConsent)
            filter = filter with { Consents = [.. filter.Consents ?? [], new ConsentCriterion("marketing", "phone")] };
        return filter;
    }

    /// <summary>The filter's matches minus the wizard's exclusions.</summary>
    IQueryable<Customer> Eligible(Campaign campaign, WizardInput input, DateTime now) =>
        FilterOf(input).Apply(db.Set<Customer>(), db).Where(EligibleRule(campaign, input, now));

    /// <summary>
    /// The wizard's exclusions as one predicate: not already in this campaign; not closed as do-not-call
    /// in any campaign, and the main phone not on the do-not-call list (opt-outs, the opposition
    /// register, numbers added by hand); optionally not in another active
    /// campaign of the same type, not called in the last N days. Only the asked-for parts are in it.
    /// </summary>
    Expression<Func<Customer, bool>> EligibleRule(Campaign campaign, WizardInput input, DateTime now)
    {
        var entries = db.CampaignEntries();
        var doNotCall = db.DoNotCall();
        var campaignId = campaign.Id;
        // The record's own entries are read once, through the entries' index by customer, for every rule
        // about them (in this campaign, closed as do-not-call, in an active campaign of the same type):
        // one index probe per match instead of one per rule (ADR 9).
        Expression<Func<Customer, bool>> rule;
        if (input.ExcludeInSameTypeActive)
        {
            var typeId = campaign.TypeId;
            var campaigns = db.Campaigns();
            rule = c => !entries.Any(e => e.CustomerId == c.Id
                                          && (e.CampaignId == campaignId || e.State == EntryState.DoNotCall
                                              || campaigns.Any(k => k.Id == e.CampaignId && k.TypeId == typeId && !k.Retired)));
        }
        else rule = c => !entries.Any(e => e.CustomerId == c.Id && (e.CampaignId == campaignId || e.State == EntryState.DoNotCall));
        // The list is by number: the record's main phone is the one the desk and the dialer call (ADR 0017).
        rule = And(rule, c => !doNotCall.Any(d => d.Number == c.MainPhone));
        if (input.ExcludeCalledWithinDays is > 0 and var days)
        {
            var since = now.AddDays(-days);
            var calls = db.Calls();
            rule = And(rule, c => !calls.Any(k => k.CustomerId == c.Id && k.StartedAt >= since));
        }
        return rule;
    }

    static Expression<Func<Customer, bool>> And(Expression<Func<Customer, bool>> left, Expression<Func<Customer, bool>> right) =>
        Expression.Lambda<Func<Customer, bool>>(Expression.AndAlso(left.Body, new Rebind(right.Parameters[0], left.Parameters[0]).Visit(right.Body)), left.Parameters[0]);

    sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    async Task<Campaign> LoadAsync(int id, CancellationToken ct) =>
        await db.Campaigns().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Campagna non trovata.");

    static void Validate(WizardInput input, bool distributionRequired)
    {
        var errors = input.Filter?.Validate("filter.") ?? new FieldErrors();
        if (input.ExcludeCalledWithinDays is < 0 or > 3650) errors.Add("excludeCalledWithinDays", "Tra 0 e 3650 giorni.");
        var mode = input.Distribution?.Mode;
        if (distributionRequired && mode is null) errors.Add("distribution.mode", "Indicare la distribuzione: equal, roundRobin, owner o pool.");
        else if (mode is not null && !Modes.Contains(mode)) errors.Add("distribution.mode", $"Distribuzione sconosciuta: '{mode}' (equal, roundRobin, owner, pool).");
        if (mode is Equal or RoundRobin && (input.Distribution!.OperatorIds ?? []).Count == 0)
            errors.Add("distribution.operatorIds", "Scegliere almeno un operatore.");
        if ((input.Distribution?.OperatorIds ?? []).Count > 500) errors.Add("distribution.operatorIds", "Al massimo 500 operatori.");
        if (errors.Any) throw new ValidationException(errors);
    }

    async Task<List<string>> ValidateOperatorsAsync(WizardInput input, CancellationToken ct)
    {
        Validate(input, distributionRequired: true);
        var ids = (input.Distribution!.OperatorIds ?? []).Distinct().ToList();
        var known = await db.Set<AppUser>().Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0)
            throw new ValidationException(new FieldErrors().Add("distribution.operatorIds", $"Utenti sconosciuti: {string.Join(", ", unknown)}."));
        return ids;
    }
}
