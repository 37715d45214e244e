using System.Net;
using System.Net.Http.Json;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Tests.Campaigns;

/// <summary>The wizard's "owner" distribution: each name goes to its owner's user for the campaign's portfolio type.</summary>
public abstract class OwnerDistributionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    [Fact]
    public async Task Owned_names_go_to_their_owners_user_and_the_rest_to_the_pool()
    {
        var app = fixture.Factory;
        using var admin = await app.CreateAdminClientAsync();
        var kit = new AccessKit(app, admin);
        var portfolio = await kit.PortfolioTypeAsync();
        var other = await kit.PortfolioTypeAsync();
        var (user, _, subjectId) = await kit.UserAsync(Roles.Operator, null);
        var tag = "Own" + AccessKit.Unique();
        var (mine, _) = await kit.RecordAsync(tag + "a", portfolio.Id, subjectId);
        var (alsoMine, _) = await kit.RecordAsync(tag + "b", portfolio.Id, subjectId);
        var (otherLine, _) = await kit.RecordAsync(tag + "c", other.Id, subjectId);   // owned, but in another portfolio
        var (nobodys, _) = await kit.RecordAsync(tag + "d");

        var type = await CampaignKit.CreateTypeAsync(admin);
        var created = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = "OWN" + AccessKit.Unique().ToUpperInvariant(), Name = "Per proprietario", TypeId = type, PortfolioTypeId = portfolio.Id,
            StartDate = new DateOnly(2026, 1, 1), EndDate = new DateOnly(2026, 12, 31), MaxAttempts = 3,
            CallingDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<CampaignDto>())!;

        var result = await CampaignKit.FillAsync(admin, campaign.Id, new WizardInput
        {
            Filter = new RegistryFilter { Text = tag },
            Distribution = new DistributionInput { Mode = "owner" },
        });
        Assert.Equal(4, result.Inserted);
        var entries = (await new CampaignKit(app).EntriesAsync(campaign.Id)).ToDictionary(e => e.CustomerId, e => e.AssignedUserId);
        Assert.Equal(user.Id, entries[mine.Id]);
        Assert.Equal(user.Id, entries[alsoMine.Id]);
        Assert.Null(entries[otherLine.Id]);
        Assert.Null(entries[nobodys.Id]);
    }
}

public sealed class OwnerDistributionTests_Sqlite(SqliteAppFixture f) : OwnerDistributionTests<SqliteAppFixture>(f);
public sealed class OwnerDistributionTests_Postgres(PostgresAppFixture f) : OwnerDistributionTests<PostgresAppFixture>(f);
