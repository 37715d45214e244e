using System.Security.Claims;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer.Service;

public static class DialerApi
{
    public static IServiceCollection AddDialer(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DialerOptions>(configuration.GetSection(DialerOptions.Section));
        services.AddSingleton<DialerMetrics>();
        services.AddSingleton<DialerService>();
        services.AddHostedService(sp => sp.GetRequiredService<DialerService>());
        services.AddScoped<Telephony.ITelephonyCallObserver, DialerWakeObserver>();
        services.AddScoped<DialerControl>();
        services.AddScoped<IEntryCloseObserver, DialerCloseObserver>();
        return services;
    }

    public static RouteGroupBuilder MapDialerApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/campaigns/{id:int}/dialer").WithTags("Dialer");
        g.MapGet("/", (int id, DialerControl d, CancellationToken ct) => d.StatusAsync(id, ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("The campaign's dialer: started or not, which node runs it, why it is not dialing, dial level, calls in flight, abandon rate");
        g.MapPost("/start", (int id, DialerControl d, ClaimsPrincipal user, CancellationToken ct) => d.StartAsync(id, user.UserName(), ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers))
            .WithSummary("Start automatic dialing (power or predictive; refused when the opposition register check is older than RPODAYS days)");
        g.MapPost("/stop", (int id, DialerControl d, CancellationToken ct) => d.StopAsync(id, ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers))
            .WithSummary("Stop placing new calls (calls in flight are followed to their end)");
        g.MapPost("/join", async (int id, DialerControl d, ClaimsPrincipal user, CancellationToken ct) => { await d.JoinAsync(id, UserId(user), ct); return TypedResults.NoContent(); })
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("Join the campaign: its answered calls are connected to me while my phone bar is ready");
        g.MapPost("/leave", async (DialerControl d, ClaimsPrincipal user, CancellationToken ct) => { await d.LeaveAsync(UserId(user), ct); return TypedResults.NoContent(); })
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("Leave the campaign I joined");
        return api;
    }

    static string UserId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The principal has no user id.");
}

/// <summary>Closing a name the dialer connected ends the operator's wrap-up.</summary>
sealed class DialerCloseObserver(DialerControl control) : IEntryCloseObserver
{
    public Task OnEntryClosedAsync(long entryId, string userId, CancellationToken ct) => control.AfterCloseAsync(userId, entryId, ct);
}
