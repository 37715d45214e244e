using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Campaigns;
using Schedario.Web.CallCenter.Compliance;

namespace Schedario.Tests.CallCenter.Dialer.Service;

/// <summary>
/// Issue 6: a campaign may not start dialing while the opposition register was never imported or was last
/// checked more than RPODAYS (15) days ago. A class of its own: it needs a database with no register check.
/// </summary>
public abstract class DialerStartGateTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : DialerFixture
{
    [Fact]
    public async Task Start_is_refused_until_the_register_was_checked_within_RPODAYS_days()
    {
        var admin = await fixture.Factory.CreateAdminClientAsync();
        var kit = new DialerKit(fixture.Factory, admin);
        var gate = fixture.Factory.Services.GetRequiredService<ComplianceGate>();
        var campaign = await kit.CampaignAsync(mode: "predictive");

        var never = await CampaignKit.ProblemAsync(await admin.PostAsync($"/api/v1/campaigns/{campaign.Id}/dialer/start", null), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("opposition-register-stale", never.GetProperty("rule").GetString());
        Assert.Contains("mai stato controllato", never.GetProperty("detail").GetString());

        await kit.RegisterCheckedAsync(daysAgo: 16);
        gate.Refresh();
        var stale = await CampaignKit.ProblemAsync(await admin.PostAsync($"/api/v1/campaigns/{campaign.Id}/dialer/start", null), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("opposition-register-stale", stale.GetProperty("rule").GetString());
        Assert.Contains("RPODAYS", stale.GetProperty("detail").GetString());
        Assert.False((await kit.StatusAsync(campaign.Id)).Active);

        await kit.RegisterCheckedAsync(daysAgo: 1);
        gate.Refresh();
        Assert.True((await kit.StartAsync(campaign.Id)).Active);
        await kit.StopAsync(campaign.Id);
    }
}

public sealed class DialerStartGateTests_Sqlite(DialerSqliteFixture f) : DialerStartGateTests<DialerSqliteFixture>(f);
public sealed class DialerStartGateTests_Postgres(DialerPostgresFixture f) : DialerStartGateTests<DialerPostgresFixture>(f);
