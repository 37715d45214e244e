using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;

namespace Schedario.Tests.Campaigns;

/// <summary>Next's claim statement (ADR 8): order inside the pool, the campaign gate, many claimers, the plan.</summary>
public abstract class NextClaimTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    protected SchedarioAppFactory App => fixture.Factory;
    CampaignKit Kit => new(App);
    static readonly DateOnly Jan1 = new(2026, 1, 1), Mar31 = new(2026, 3, 31);

    async Task<(int CampaignId, List<long> Entries)> PoolAsync(int names, int maxAttempts = 5)
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31, maxAttempts: maxAttempts);
        var (tag, _) = await Kit.SeedCustomersAsync(names);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        var entries = await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.CampaignId == campaign.Id).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
        return (campaign.Id, entries);
    }

    Task<long?> NextAsync(int campaignId, string userId)
    {
        var scope = App.Services.CreateAsyncScope();
        return Run();
        async Task<long?> Run()
        {
            await using (scope) return await scope.ServiceProvider.GetRequiredService<DeskService>().NextAsync(campaignId, userId);
        }
    }

    [Fact]
    public async Task The_pool_is_served_by_priority_then_in_order_and_skips_names_not_due()
    {
        var (campaign, e) = await PoolAsync(5);
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(x => x.Id == e[3]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Priority, 9)));
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(x => x.Id == e[1]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Priority, 5)));
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(x => x.Id == e[0]).ExecuteUpdateAsync(s => s.SetProperty(x => x.NextCallAt, DateTime.UtcNow.AddHours(1))));

        var served = new List<long>();
        for (var i = 0; i < 5; i++)
            if (await NextAsync(campaign, $"order-{i}") is { } id) served.Add(id);
        // e[0] is not due yet; the rest by priority, then by id.
        Assert.Equal([e[3], e[1], e[2], e[4]], served);
    }

    [Fact]
    public async Task Many_claimers_on_a_small_pool_never_share_a_name_and_leave_none_behind()
    {
        var (campaign, entries) = await PoolAsync(60);
        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var mine = new List<long>();
            // Each claimer closes what it took (as a call would) and asks again until the pool is empty.
            while (await NextAsync(campaign, $"many-{i}") is { } id)
            {
                mine.Add(id);
                await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(x => x.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, EntryState.Negative).SetProperty(x => x.LeaseHolder, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null)));
            }
            return mine;
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(entries.Order(), all.Order());
    }

    /// <summary>
    /// Claims arriving together (on PostgreSQL they share one round trip, ADR 0018): an operator who
    /// asks twice at once gets one name both times, every operator a different one, and a claim for a
    /// campaign that does not exist fails alone without taking anything from the others.
    /// </summary>
    [Fact]
    public async Task Claims_arriving_together_each_get_their_own_name_and_one_bad_claim_fails_alone()
    {
        var (campaign, entries) = await PoolAsync(30);
        var operators = Enumerable.Range(0, 20).Select(i => $"burst-{i}-{CampaignKit.Unique()}").ToList();
        var asks = operators.SelectMany(o => new[] { o, o }).Select(o => (Operator: o, Answer: NextAsync(campaign, o))).ToList();
        var missing = Enumerable.Range(0, 5).Select(_ => NextAsync(987654, "burst-lost")).ToList();
        await Task.WhenAll(asks.Select(a => a.Answer));
        foreach (var m in missing) await Assert.ThrowsAsync<Schedario.Web.Shared.NotFoundException>(() => m);

        var byOperator = asks.GroupBy(a => a.Operator).ToDictionary(g => g.Key, g => g.Select(a => a.Answer.Result).Distinct().ToList());
        Assert.All(byOperator.Values, answers => Assert.NotNull(Assert.Single(answers)));
        var taken = byOperator.Values.Select(a => a.Single()!.Value).ToList();
        Assert.Equal(operators.Count, taken.Distinct().Count());
        var leased = await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(x => x.CampaignId == campaign && x.LeaseHolder != null)
            .Select(x => new { x.Id, x.LeaseHolder }).ToListAsync());
        Assert.Equal(taken.Order(), leased.Select(l => l.Id).Order());
        Assert.All(leased, l => Assert.Equal(l.Id, byOperator[l.LeaseHolder!].Single()));
        Assert.Subset(entries.ToHashSet(), taken.ToHashSet());
    }

    /// <summary>
    /// Issue 4's wizard criterion "not on the do-not-call list" and the desk's side of ADR 0017: a
    /// record whose main phone is on the list is skipped by the fill, and a name already in the
    /// campaign whose number goes on the list is no longer served by Next (an operator would dial it).
    /// </summary>
    [Fact]
    public async Task A_number_on_the_do_not_call_list_is_not_filled_in_nor_served()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, ids) = await Kit.SeedCustomersAsync(3);
        var phones = await Kit.WithDbAsync(db => db.Set<Schedario.Web.Registry.Customer>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.MainPhone!));
        (await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = phones[ids[0]] })).EnsureSuccessStatusCode();

        var fill = await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        Assert.Equal((2, 1), (fill.Inserted, fill.Skipped));
        var entries = await Kit.EntriesAsync(campaign.Id);
        Assert.DoesNotContain(entries, e => e.CustomerId == ids[0]);

        // The register arrives (or the person opts out elsewhere) after the fill: Next skips the name.
        (await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = phones[ids[1]] })).EnsureSuccessStatusCode();
        var first = await NextAsync(campaign.Id, "dnc-a-" + CampaignKit.Unique());
        Assert.Equal(entries.Single(e => e.CustomerId == ids[2]).Id, first);
        Assert.Null(await NextAsync(campaign.Id, "dnc-b-" + CampaignKit.Unique()));
    }

    [Fact]
    public async Task Next_tells_which_rule_closes_the_campaign()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var (allowedId, allowedName) = await Kit.CreateOperatorAsync();
        var (_, otherName) = await Kit.CreateOperatorAsync();
        var code = "C" + CampaignKit.Unique();
        var r = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = code, Name = code, TypeId = type, StartDate = Jan1, EndDate = Mar31, OperatorIds = [allowedId],
            CallingDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        });
        var campaign = (await r.Content.ReadFromJsonAsync<CampaignDto>())!;
        var (tag, _) = await Kit.SeedCustomersAsync(1);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));

        using var other = await Kit.ClientAsync(otherName);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/v1/campaigns/{campaign.Id}/next", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/v1/campaigns/987654/next", null)).StatusCode);
        using var allowed = await Kit.ClientAsync(allowedName);
        Assert.NotNull(await CampaignKit.NextAsync(allowed, campaign.Id));
        // Refused means nothing claimed: the name is still the allowed operator's only.
        Assert.Equal(allowedId, (await Kit.EntriesAsync(campaign.Id)).Single().LeaseHolder);
    }
}

public sealed class NextClaimTests_Sqlite(SqliteAppFixture f) : NextClaimTests<SqliteAppFixture>(f);

public sealed class NextClaimTests_Postgres(PostgresAppFixture f) : NextClaimTests<PostgresAppFixture>(f)
{
    /// <summary>
    /// The pool tier must read its index in order and stop at the first free name. Written as
    /// <c>ORDER BY "Priority" DESC, "Id"</c> alone it sorted every due name on every claim, because
    /// PostgreSQL does not take <c>"AssignedUserId" IS NULL</c> as fixing that index column (ADR 8).
    /// Its do-not-call probe looks the candidate's number up in the list's key, one name at a time.
    /// </summary>
    [Fact]
    public async Task The_pool_tier_reads_its_index_in_order_without_a_sort()
    {
        // A Sort left in the tier means the index cannot give the order.
        var plan = await QueryPlans.ExplainWithoutSortsAsync(App.Services, ClaimSql.Postgres,
            ("cid", 1), ("me", "x"), ("now", DateTime.UtcNow), ("until", DateTime.UtcNow), ("day", 1), ("time", new TimeOnly(12, 0)));
        var pool = plan.Split("InitPlan").Single(part => part.Contains("\"AssignedUserId\" IS NULL"));
        Assert.Contains("IX_campaign_entries_CampaignId_State_AssignedUserId_Priority_Id", pool);
        Assert.DoesNotContain("Sort", pool);
        // The do-not-call probe stays a per-candidate subplan in every tier. As an anti-join the planner
        // may hash customers ⋈ do_not_call whole once the list holds a few rows, and the tier then scans
        // and sorts every due name on every claim (50 ms a claim on 20,000 names, ADR 0019).
        Assert.DoesNotContain("Anti Join", plan);
        Assert.Contains("PK_do_not_call", pool);
    }
}
