using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.Telephony;

namespace Schedario.Tests.CallCenter.Dialer.Service;

/// <summary>
/// Two app instances on one PostgreSQL, both running the dialer service: a campaign is dialed by exactly one
/// of them (advisory lock), never one name twice at once, and when that node's dialer dies the other takes
/// the campaign over and finishes it without dialing anyone twice.
/// </summary>
public sealed class DialerTwoNodeTests(DialerPostgresFixture fixture) : IClassFixture<DialerPostgresFixture>
{
    [Fact]
    public async Task Two_nodes_never_dial_one_campaign_twice_and_the_survivor_takes_over()
    {
        var nodeA = fixture.Factory;
        await using var nodeB = new SchedarioAppFactory(nodeA);
        await nodeB.StartAsync();
        DialerKit.Speed(nodeB);
        var kitA = new DialerKit(nodeA, await nodeA.CreateAdminClientAsync());
        var kitB = new DialerKit(nodeB, await nodeB.CreateAdminClientAsync());
        await kitA.RegisterCheckedAsync();

        // 1. Both nodes scan; one runs the campaign; every name is dialed once (no answer: retried only in two hours).
        var first = await kitA.CampaignAsync(mode: "power", lines: 2);
        var names = await kitA.NamesAsync(first.Id, 30, SimulatedOutcome.NoAnswer);
        foreach (var n in names) kitB.Pbx.SetOutcome(n.Phone, SimulatedOutcome.NoAnswer);
        await kitA.OperatorsAsync(first.Id, 2);
        await kitB.StartAsync(first.Id);
        var calls = await kitA.WaitForCallsAsync(first.Id, c => c.Count(x => x.Result == DialerCallResult.NoAnswer) == 30, "every name rang out once", 60);
        await Task.Delay(500);
        calls = await kitA.CallsAsync(first.Id);
        await kitA.StopAsync(first.Id);
        Assert.Equal(30, calls.Count);
        Assert.Equal(names.Select(n => n.EntryId).Order(), calls.Select(c => c.EntryId).Order());
        Assert.Single(calls.Select(c => c.NodeId).Distinct());

        // 2. The node dialing a second campaign loses its dialer midway: the other finishes the list.
        var second = await kitA.CampaignAsync(mode: "power", lines: 1);
        var more = await kitA.NamesAsync(second.Id, 24, SimulatedOutcome.NoAnswer);
        foreach (var n in more) kitB.Pbx.SetOutcome(n.Phone, SimulatedOutcome.NoAnswer);
        await kitA.OperatorsAsync(second.Id, 2);
        await kitA.StartAsync(second.Id);
        await kitA.WaitForCallsAsync(second.Id, c => c.Count(x => x.State == DialerCallState.Ended) >= 5, "a few calls done");
        var dialers = new[] { nodeA, nodeB }.Select(n => n.Services.GetRequiredService<DialerService>()).ToList();
        var owner = dialers.Single(d => d.RunningCampaigns.Contains(second.Id));
        await owner.StopAsync(CancellationToken.None);
        var survivor = dialers.Single(d => d != owner);

        calls = await kitA.WaitForCallsAsync(second.Id,
            c => more.All(n => c.Any(x => x.EntryId == n.EntryId && x.Result == DialerCallResult.NoAnswer)), "the survivor finished the list", 60);
        await kitA.StopAsync(second.Id);
        Assert.Contains(second.Id, survivor.RunningCampaigns.Concat(calls.Select(c => c.CampaignId)).Distinct());
        Assert.Equal(2, calls.Select(c => c.NodeId).Distinct().Count());
        foreach (var group in calls.GroupBy(c => c.EntryId))
        {
            // Rang out exactly once; a second row only for a call the dead node wrote but never placed.
            Assert.Equal(1, group.Count(c => c.Result == DialerCallResult.NoAnswer));
            Assert.All(group.Where(c => c.Result != DialerCallResult.NoAnswer), c => Assert.Equal(DialerCallResult.NotPlaced, c.Result));
            var ordered = group.OrderBy(c => c.PlacedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].PlacedAt >= ordered[i - 1].EndedAt, "never two calls in flight to one name");
        }
    }
}
