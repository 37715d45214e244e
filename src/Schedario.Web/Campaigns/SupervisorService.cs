using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry.Dedup;
using Schedario.Web.Shared;

namespace Schedario.Web.Campaigns;

/// <summary>The supervisor's view of a campaign: figures, entries, bulk reassignment and recycling.</summary>
public sealed class SupervisorService(SchedarioDb db)
{
    public const int MaxPageSize = 500;
    static readonly EntryState[] Open = [EntryState.ToCall, EntryState.Callback];

    public async Task<CampaignStats> StatsAsync(int campaignId, CancellationToken ct = default)
    {
        await EnsureCampaignAsync(campaignId, ct);
        var entries = db.CampaignEntries().Where(e => e.CampaignId == campaignId);
        var byState = (await entries.GroupBy(e => e.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .Select(x => new CountRow(CampaignService.StateName(x.Key), x.Count)).OrderByDescending(x => x.Count).ToList();
        var byOutcome = await (from e in entries
                               join o in db.Outcomes() on e.LastOutcomeId equals o.Id
                               group e by o.Code into g
                               select new CountRow(g.Key, g.Count())).ToListAsync(ct);
        var assigned = await entries.GroupBy(e => e.AssignedUserId)
            .Select(g => new { g.Key, Assigned = g.Count(), Open = g.Count(e => e.State == EntryState.ToCall || e.State == EntryState.Callback) }).ToListAsync(ct);
        var calls = await (from c in db.Calls()
                           join o in db.Outcomes() on c.OutcomeId equals o.Id
                           where c.CampaignId == campaignId
                           group o by c.OperatorUserId into g
                           select new { g.Key, Calls = g.Count(), Positive = g.Count(o => o.Category == OutcomeCategory.PositiveClosed) }).ToListAsync(ct);
        var userIds = assigned.Select(a => a.Key).Concat(calls.Select(c => c.Key)).OfType<string>().Distinct().ToList();
        var names = await db.Set<AppUser>().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id, ct);
        var operators = assigned.Select(a => a.Key).Concat(calls.Select(c => c.Key)).Distinct()
            .Select(id =>
            {
                var a = assigned.FirstOrDefault(x => x.Key == id);
                var c = id is null ? null : calls.FirstOrDefault(x => x.Key == id);
                return new OperatorProgress(id, id is null ? "pool" : names.GetValueOrDefault(id, id), a?.Assigned ?? 0, a?.Open ?? 0, c?.Calls ?? 0, c?.Positive ?? 0);
            })
            .OrderBy(o => o.UserId is null).ThenBy(o => o.UserName).ToList();
        return new CampaignStats(byState.Sum(s => s.Count), byState, byOutcome.OrderByDescending(x => x.Count).ToList(), operators);
    }

    /// <summary>Entries of a campaign, keyset-paged on id.</summary>
    public async Task<EntryPage> EntriesAsync(int campaignId, string? state, string? assignedUserId, Guid? customerId, long? cursor, int limit, CancellationToken ct = default)
    {
        await EnsureCampaignAsync(campaignId, ct);
        if (limit is < 1 or > MaxPageSize) throw new ValidationException(new FieldErrors().Add("limit", $"Tra 1 e {MaxPageSize}."));
        var q = db.CampaignEntries().Where(e => e.CampaignId == campaignId);
        if (state is not null)
        {
            if (!Registry.EnumText.TryParse<EntryState>(state, out var s)) throw new ValidationException(new FieldErrors().Add("state", $"Stato sconosciuto: '{state}'."));
            q = q.Where(e => e.State == s);
        }
        if (assignedUserId is "pool") q = q.Where(e => e.AssignedUserId == null);
        else if (assignedUserId is not null) q = q.Where(e => e.AssignedUserId == assignedUserId);
        if (customerId is { } cid) q = q.Where(e => e.CustomerId == cid);
        if (cursor is { } after) q = q.Where(e => e.Id > after);
        var items = await EntryQueries.Project(db, q.OrderBy(e => e.Id).Take(limit + 1)).ToListAsync(ct);
        long? next = items.Count > limit ? items[limit - 1].Id : null;
        return new EntryPage(items.Take(limit).ToList(), next);
    }

    /// <summary>Moves the open names of one operator (or the pool) to another (or the pool). Names under a live lease stay.</summary>
    public async Task<BulkResult> ReassignAsync(int campaignId, ReassignInput input, DateTime now, CancellationToken ct = default)
    {
        await EnsureCampaignAsync(campaignId, ct);
        var from = string.IsNullOrWhiteSpace(input.FromUserId) || input.FromUserId == "pool" ? null : input.FromUserId;
        var to = string.IsNullOrWhiteSpace(input.ToUserId) || input.ToUserId == "pool" ? null : input.ToUserId;
        if (from == to) throw new ValidationException(new FieldErrors().Add("toUserId", "Origine e destinazione coincidono."));
        if (to is not null && !await db.Set<AppUser>().AnyAsync(u => u.Id == to, ct))
            throw new ValidationException(new FieldErrors().Add("toUserId", "Utente sconosciuto."));
        var q = db.CampaignEntries().Where(e => e.CampaignId == campaignId && e.AssignedUserId == from && (e.LeaseUntil == null || e.LeaseUntil < now));
        if (input.OpenOnly) q = q.Where(e => Open.Contains(e.State));
        var n = await q.ExecuteUpdateAsync(s => s.SetProperty(e => e.AssignedUserId, to).SetProperty(e => e.Version, e => e.Version + 1), ct);
        return new BulkResult(n);
    }

    /// <summary>Puts the names whose last outcome is one of the given ones back to call, attempts reset. Do-not-call never recycles.</summary>
    public async Task<BulkResult> RecycleAsync(int campaignId, RecycleInput input, CancellationToken ct = default)
    {
        await EnsureCampaignAsync(campaignId, ct);
        var codes = (input.OutcomeCodes ?? []).Select(c => c.Trim().ToUpperInvariant()).Distinct().ToList();
        if (codes.Count == 0) throw new ValidationException(new FieldErrors().Add("outcomeCodes", "Scegliere almeno un esito."));
        var ids = await db.Outcomes().Where(o => codes.Contains(o.Code) && o.Category != OutcomeCategory.DoNotCall).Select(o => o.Id).ToListAsync(ct);
        var known = await db.Outcomes().Where(o => codes.Contains(o.Code)).Select(o => o.Code).ToListAsync(ct);
        var unknown = codes.Except(known).ToList();
        if (unknown.Count > 0) throw new ValidationException(new FieldErrors().Add("outcomeCodes", $"Esiti sconosciuti: {string.Join(", ", unknown)}."));
        var n = await db.CampaignEntries()
            .Where(e => e.CampaignId == campaignId && e.LastOutcomeId != null && ids.Contains(e.LastOutcomeId.Value) && e.State != EntryState.DoNotCall && e.State != EntryState.Merged)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EntryState.ToCall).SetProperty(e => e.NextCallAt, (DateTime?)null)
                .SetProperty(e => e.Attempts, 0).SetProperty(e => e.CallbackUserId, (string?)null).SetProperty(e => e.Version, e => e.Version + 1), ct);
        return new BulkResult(n);
    }

    async Task EnsureCampaignAsync(int id, CancellationToken ct)
    {
        if (!await db.Campaigns().AnyAsync(c => c.Id == id, ct)) throw new NotFoundException("Campagna non trovata.");
    }
}

/// <summary>
/// On a registry merge, the duplicate's campaign entries move to the survivor; where the survivor is
/// already in that campaign the duplicate's entry stays behind as <see cref="EntryState.Merged"/>
/// (never served, its calls kept). Calls follow the record.
/// </summary>
public sealed class CampaignMergeStep : ICustomerMergeStep
{
    public async Task MoveAsync(SchedarioDb db, Guid fromId, Guid toId, CancellationToken ct)
    {
        var entries = db.CampaignEntries();
        await entries.Where(e => e.CustomerId == fromId && entries.Any(s => s.CustomerId == toId && s.CampaignId == e.CampaignId))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EntryState.Merged).SetProperty(e => e.LeaseHolder, (string?)null)
                .SetProperty(e => e.LeaseUntil, (DateTime?)null).SetProperty(e => e.Version, e => e.Version + 1), ct);
        await entries.Where(e => e.CustomerId == fromId && e.State != EntryState.Merged)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.CustomerId, toId).SetProperty(e => e.Version, e => e.Version + 1), ct);
        await db.Calls().Where(c => c.CustomerId == fromId).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, toId), ct);
    }
}
