using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

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
            // Portfolio owners arrive with issue 3; until then "owner" fills the shared pool.
            note = "Titolari di portafoglio non ancora disponibili: i nominativi sono andati nel pool condiviso.";
            operators = [];
        }
        if (mode == Pool) operators = [];

        var now = clock.GetUtcNow().UtcDateTime;
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
            if (operators.Count == 0) assign = "NULL";
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

    static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    /// <summary>The filter's matches minus the wizard's exclusions.</summary>
    IQueryable<Customer> Eligible(Campaign campaign, WizardInput input, DateTime now)
    {
        var filter = input.Filter ?? new RegistryFilter();
        if (input.RequirePhoneConsent)
            filter = filter with { Consents = [.. filter.Consents ?? [], new ConsentCriterion("marketing", "phone")] };
        var q = filter.Apply(db.Set<Customer>(), db);
        var entries = db.CampaignEntries();
        var campaignId = campaign.Id;
        q = q.Where(c => !entries.Any(e => e.CampaignId == campaignId && e.CustomerId == c.Id));
        // The do-not-call list: anyone who asked not to be called, in any campaign.
        q = q.Where(c => !entries.Any(e => e.CustomerId == c.Id && e.State == EntryState.DoNotCall));
        if (input.ExcludeInSameTypeActive)
        {
            var typeId = campaign.TypeId;
            var campaigns = db.Campaigns();
            q = q.Where(c => !entries.Any(e => e.CustomerId == c.Id && e.CampaignId != campaignId
                                               && campaigns.Any(k => k.Id == e.CampaignId && k.TypeId == typeId && !k.Retired)));
        }
        if (input.ExcludeCalledWithinDays is > 0 and var days)
        {
            var since = now.AddDays(-days);
            var calls = db.Calls();
            q = q.Where(c => !calls.Any(k => k.CustomerId == c.Id && k.StartedAt >= since));
        }
        return q;
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
