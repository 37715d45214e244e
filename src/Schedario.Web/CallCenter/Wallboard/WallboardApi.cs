using Schedario.Web.Campaigns;

namespace Schedario.Web.CallCenter.Wallboard;

/// <summary>The supervisor's live wallboard: wiring and its one endpoint.</summary>
public static class WallboardApi
{
    public static IServiceCollection AddWallboard(this IServiceCollection services)
    {
        services.AddSingleton<WallboardCache>();
        services.AddScoped<WallboardService>();
        services.AddSingleton<WallboardFeed>();
        return services;
    }

    public static RouteGroupBuilder MapWallboardApi(this RouteGroupBuilder api)
    {
        api.MapGet("/wallboard", (WallboardService s, CancellationToken ct) => s.SnapshotAsync(ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers)).WithTags("Wallboard")
            .WithSummary("The live wallboard (supervisors, administrators): operators by state and time in state, per dialer campaign " +
                "running or why not, dial level, calls ringing / waiting / talking, abandon rate in the last hour and over the campaign's window " +
                "(abandoned ÷ answered by a person; machines apart), contacts and positives per hour, forecast; inbound calls");
        return api;
    }
}
