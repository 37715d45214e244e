using System.Security.Claims;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter;

/// <summary>The phone bar, routing and the inbound desk: wiring and endpoints.</summary>
public static class CallCenterApi
{
    public static IServiceCollection AddCallCenter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCallCenterBus(configuration);
        services.AddScoped<PresenceService>();
        services.AddScoped<Identity.ISignOutHandler>(sp => sp.GetRequiredService<PresenceService>());
        services.AddScoped<CallerCard>();
        services.AddSingleton<InboundServiceDirectory>();
        services.AddScoped<InboundRouter>();
        services.AddScoped<ITelephonyCallObserver>(sp => sp.GetRequiredService<InboundRouter>());
        services.AddScoped<InboundDesk>();
        services.AddHostedService<InboundSweeper>();
        services.AddSignalR();
        services.AddSingleton<PhoneHubConnections>();
        services.AddHostedService<PhoneHubRelay>();
        services.AddDialer(configuration);
        return services;
    }

    public static RouteGroupBuilder MapCallCenterApi(this RouteGroupBuilder api)
    {
        var bar = api.MapGroup("/phone-bar").WithTags("Phone bar").RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers));
        bar.MapGet("/", (PresenceService s, ClaimsPrincipal user, CancellationToken ct) => s.GetAsync(UserId(user), ct))
            .WithSummary("My phone bar: state, and the call ringing or on");
        bar.MapGet("/pop", async (PresenceService s, CallerCard card, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var me = await s.GetAsync(UserId(user), ct);
            return await card.PopAsync(me, ct) is { } pop ? Results.Ok(pop) : Results.NoContent();
        }).WithSummary("The screen pop while my call rings: the identified record, its characteristics, the last N inbound + N outbound contacts (204 when none)");
        bar.MapPost("/open", (PhoneBarOpenInput input, PresenceService s, ClaimsPrincipal user, CancellationToken ct) => s.OpenAsync(UserId(user), user.UserName(), input.Extension, ct))
            .WithSummary("Open the bar or keep it open (send every 15 s; after 45 s without it the bar counts as closed)");
        bar.MapPost("/state", (PhoneBarStateInput input, PresenceService s, ClaimsPrincipal user, CancellationToken ct) => s.SetStateAsync(UserId(user), user.UserName(), input, ct))
            .WithSummary("Go ready, paused (with a reason) or offline");
        bar.MapPost("/accept", async (InboundDesk d, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var id = await d.AcceptAsync(UserId(user), user.UserName(), ct);
            return TypedResults.Created($"/api/v1/inbound-contacts/{id}", new { contactId = id });
        }).WithSummary("Accept the ringing call: opens an inbound contact");
        bar.MapPost("/reject", async (InboundDesk d, ClaimsPrincipal user, CancellationToken ct) => { await d.RejectAsync(UserId(user), ct); return TypedResults.NoContent(); })
            .WithSummary("Reject the ringing call: it goes to the next ready operator");
        bar.MapPost("/hangup", async (InboundDesk d, ClaimsPrincipal user, CancellationToken ct) => { await d.HangUpAsync(UserId(user), ct); return TypedResults.NoContent(); })
            .WithSummary("Hang up the current call");
        bar.MapPost("/dial", async (DialInput input, InboundDesk d, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, new { callId = await d.DialAsync(UserId(user), input, ct) })).WithSummary("Dial a number from my extension");

        var inbound = api.MapGroup("/inbound-contacts").WithTags("Inbound").RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers));
        inbound.MapGet("/", (InboundDesk d, string? status, long? cursor, int? limit, CancellationToken ct) => d.LogAsync(status, cursor, limit ?? 50, ct))
            .WithSummary("The inbound log: ?status=pending|resolved|open, keyset paging by cursor (operators see their own)");
        inbound.MapGet("/{id:long}", (long id, InboundDesk d, CancellationToken ct) => d.ScreenAsync(id, ct))
            .WithSummary("The inbound screen: caller, owner, characteristics, last N inbound + N outbound contacts");
        inbound.MapGet("/{id:long}/search", (long id, string? q, InboundDesk d, CancellationToken ct) => d.SearchAsync(id, q, ct))
            .WithSummary("Dynamic search for the caller (the whole registry while the call's grant lasts)");
        inbound.MapPut("/{id:long}/customer", (long id, IdentifyInput input, InboundDesk d, CancellationToken ct) => d.IdentifyAsync(id, input, ct))
            .WithSummary("Set the caller's record");
        inbound.MapPost("/{id:long}/close", (long id, InboundCloseInput input, InboundDesk d, ClaimsPrincipal user, CancellationToken ct) =>
            d.CloseAsync(id, input, UserId(user), user.UserName(), ct)).WithSummary("Close the contact: outcome, action, group, detail, name, consent, document, notes (all required)");
        inbound.MapGet("/{id:long}/follow-ups", (long id, InboundDesk d, CancellationToken ct) => d.FollowUpsAsync(id, ct)).WithSummary("Follow-ups of a request");
        inbound.MapPost("/{id:long}/follow-ups", async (long id, FollowUpInput input, InboundDesk d, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Created($"/api/v1/inbound-contacts/{id}/follow-ups", await d.FollowUpAsync(id, input, UserId(user), user.UserName(), ct)))
            .WithSummary("Follow up a pending request (resolve: true closes it)");
        api.MapDialerApi();
        return api;
    }

    public static void MapCallCenterHubs(this IEndpointRouteBuilder app) =>
        app.MapHub<PhoneHub>("/hubs/phone").RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute
        {
            AuthenticationSchemes = $"{Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme},{Microsoft.AspNetCore.Identity.IdentityConstants.BearerScheme}",
        });

    static string UserId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The principal has no user id.");
}
