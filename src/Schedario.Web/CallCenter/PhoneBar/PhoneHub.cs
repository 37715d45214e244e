using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Schedario.Web.CallCenter.PhoneBar;

/// <summary>
/// Real-time phone bar for clients outside the Blazor UI (softphones, CTI toolbars, tests): each
/// connection joins its user's group and receives <c>bar</c> with the fresh <see cref="PhoneBarDto"/>
/// whenever anything about it changes, on whichever node the change happened.
/// </summary>
public sealed class PhoneHub : Hub
{
    public static string Group(string userId) => "user:" + userId;

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
            await Groups.AddToGroupAsync(Context.ConnectionId, Group(userId));
        await base.OnConnectedAsync();
    }
}

/// <summary>Forwards bus messages about a user to that user's hub connections on this node.</summary>
public sealed class PhoneHubRelay(ICallCenterBus bus, IHubContext<PhoneHub> hub, IServiceScopeFactory scopes, ILogger<PhoneHubRelay> log) : IHostedService
{
    IDisposable? subscription;

    public Task StartAsync(CancellationToken ct)
    {
        subscription = bus.Subscribe(async m =>
        {
            if (!m.Topic.StartsWith("user:", StringComparison.Ordinal)) return;
            var userId = m.Topic["user:".Length..];
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
