using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Registry.Dedup;

namespace Schedario.Tests.Campaigns;

/// <summary>A registry merge carries campaign entries and calls to the survivor.</summary>
public abstract class CampaignMergeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    [Fact]
    public async Task Merge_moves_entries_to_the_survivor_and_retires_the_duplicate_where_both_are_in()
    {
        var kit = new CampaignKit(fixture.Factory);
        using var admin = await fixture.Factory.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var both = await CampaignKit.CreateCampaignAsync(admin, type, new(2026, 1, 1), new(2026, 3, 31));
        var onlyDuplicate = await CampaignKit.CreateCampaignAsync(admin, type, new(2026, 1, 1), new(2026, 3, 31));
        var (tag, ids) = await kit.SeedCustomersAsync(2);
        var (survivor, duplicate) = (ids[0], ids[1]);
        await CampaignKit.FillAsync(admin, both.Id, CampaignKit.Wizard(tag));
        await kit.WithDbAsync(async db =>
        {
            db.Add(new CampaignEntry { CampaignId = onlyDuplicate.Id, CustomerId = duplicate, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });

        var r = await admin.PostAsJsonAsync($"/api/v1/customers/{survivor}/merge", new MergeRequest { DuplicateId = duplicate, SurvivorVersion = 1, DuplicateVersion = 1 });
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());

        var entries = await kit.WithDbAsync(db => db.Set<CampaignEntry>().AsNoTracking().Where(e => e.CustomerId == survivor || e.CustomerId == duplicate).ToListAsync());
        Assert.Single(entries, e => e.CampaignId == onlyDuplicate.Id && e.CustomerId == survivor);
        Assert.Single(entries, e => e.CampaignId == both.Id && e.CustomerId == survivor && e.State == EntryState.ToCall);
        Assert.Single(entries, e => e.CampaignId == both.Id && e.CustomerId == duplicate && e.State == EntryState.Merged);
    }
}

public sealed class CampaignMergeTests_Sqlite(SqliteAppFixture f) : CampaignMergeTests<SqliteAppFixture>(f);
public sealed class CampaignMergeTests_Postgres(PostgresAppFixture f) : CampaignMergeTests<PostgresAppFixture>(f);
