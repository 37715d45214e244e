using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Schedario.Web.CallCenter.PhoneBar;

/// <summary>
/// Real-time phone bar for clients outside the Blazor UI (softphones, CTI toolbars, tests): each
/// connection joins its user's group and receives <c>bar</c> with the fresh <see cref="PhoneBarDto"/>
/// whenever anything about it changes, on whichever node the change happened.
/// </summary>
public sealed class PhoneHub(PhoneHubConnections connections) : Hub
{
    public static string Group(string userId) => "user:" + userId;

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, Group(userId));
            connections.Add(userId);
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) connections.Remove(userId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Which users have hub connections on this node, so the relay reads a bar only for someone listening here.</summary>
public sealed class PhoneHubConnections
{
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> counts = new();

    public void Add(string userId) => counts.AddOrUpdate(userId, 1, (_, n) => n + 1);

    public void Remove(string userId)
    {
        if (counts.AddOrUpdate(userId, 0, (_, n) => n - 1) <= 0) counts.TryRemove(new KeyValuePair<string, int>(userId, 0));
    }

    public bool Any(string userId) => counts.TryGetValue(userId, out var n) && n > 0;
}

/// <summary>Forwards bus messages about a user to that user's hub connections on this node.</summary>
public sealed class PhoneHubRelay(ICallCenterBus bus, IHubContext<PhoneHub> hub, PhoneHubConnections connections, IServiceScopeFactory scopes, ILogger<PhoneHubRelay> log) : IHostedService
{
    IDisposable? subscription;

    public Task StartAsync(CancellationToken ct)
    {
        subscription = bus.Subscribe(async m =>
        {
            if (!m.Topic.StartsWith("user:", StringComparison.Ordinal)) return;
            var userId = m.Topic["user:".Length..];
            if (!connections.Any(userId)) return;
            await using var scope = scopes.CreateAsyncScope();
            var state = await scope.ServiceProvider.GetRequiredService<PresenceService>().GetAsync(userId);
            await hub.Clients.Group(PhoneHub.Group(userId)).SendAsync("bar", state);
            log.LogDebug("Bar of {UserId} pushed: {State}", userId, state.State);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }
}
