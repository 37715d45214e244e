using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.PhoneBar;
using static Schedario.Tests.Access.AccessKit;
using static Schedario.Tests.CallCenter.Inbound.InboundKit;

namespace Schedario.Tests.CallCenter.Inbound;

/// <summary>
/// Two app instances on one PostgreSQL, as behind a load balancer: a call that rings on node A
/// reaches, in real time, the phone bar of an operator connected to node B (LISTEN/NOTIFY bus).
/// </summary>
public sealed class TwoNodeTests(PostgresAppFixture fixture) : IClassFixture<PostgresAppFixture>
{
    [Fact]
    public async Task A_call_received_by_one_node_rings_on_the_bar_connected_to_the_other()
    {
        var nodeA = fixture.Factory;
        await using var nodeB = new SchedarioAppFactory(nodeA);
        await nodeB.StartAsync();

        var adminA = await nodeA.CreateAdminClientAsync();
        var kit = new InboundKit(nodeA, adminA);
        var (service, ops) = await kit.ServiceAsync(1);
        var op = ops[0];
        var onB = await nodeB.CreateClientAsAsync(op.UserName, Password);
        var token = await nodeB.GetTokenAsync(op.UserName, Password);

        var pushed = new ConcurrentQueue<PhoneBarDto>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(nodeB.Server.BaseAddress, "/hubs/phone"), o =>
            {
                o.HttpMessageHandlerFactory = _ => nodeB.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        hub.On<PhoneBarDto>("bar", pushed.Enqueue);
        await hub.StartAsync();

        await ReadyAsync(onB);
        var caller = "+39347" + Random.Shared.Next(1_000_000, 9_999_999);
        await kit.RingAsync(caller, service.Number); // received by node A

        var until = DateTime.UtcNow.AddSeconds(10);
        while (!pushed.Any(b => b.State == "Ringing") && DateTime.UtcNow < until) await Task.Delay(50);
        var ringing = Assert.Single(pushed, b => b.State == "Ringing");
        Assert.Equal(caller, ringing.CallerNumber);
        Assert.Equal(service.Name, ringing.ServiceName);

        // The operator answers on node B: both nodes read the same call and presence.
        var contact = await OkAsync<System.Text.Json.JsonElement>(await onB.PostAsync("/api/v1/phone-bar/accept", null));
        Assert.True(contact.GetProperty("contactId").GetInt64() > 0);
        Assert.Equal("OnCall", (await BarAsync(await nodeA.CreateClientAsAsync(op.UserName, Password))).State);
    }
}
