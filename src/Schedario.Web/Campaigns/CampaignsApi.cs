using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Schedario.Web.Identity;
using Schedario.Web.Registry.Dedup;
using Schedario.Web.Settings;
using Schedario.Web.Shared;

namespace Schedario.Web.Campaigns;

public static class CampaignsApi
{
    /// <summary>Who builds, fills and watches campaigns.</summary>
    public static readonly string[] Managers = [Roles.Administrator, Roles.Supervisor];
    /// <summary>Who works the outbound desk.</summary>
    public static readonly string[] Callers = [Roles.Administrator, Roles.Supervisor, Roles.Operator];

    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddSettings();
        services.AddScoped<CampaignService>();
        services.AddScoped<WizardService>();
        services.AddScoped<DeskService>();
        services.AddSingleton<ClaimBatcher>();
        services.AddScoped<SupervisorService>();
        services.AddScoped<ICustomerMergeStep, CampaignMergeStep>();
        return services;
    }

    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        api.MapSettingsApi();

        var types = api.MapGroup("/campaign-types").WithTags("Campaigns");
        types.MapGet("/", (CampaignService s, CancellationToken ct) => s.ListTypesAsync(ct)).WithSummary("Campaign types");
        types.MapPost("/", async (CampaignTypeInput input, CampaignService s, CancellationToken ct) =>
        {
            var t = await s.CreateTypeAsync(input, ct);
            return TypedResults.Created($"/api/v1/campaign-types/{t.Id}", t);
        }).RequireAuthorization(p => p.RequireRole(Managers)).WithSummary("Create a campaign type (supervisors, administrators)");

        api.MapGet("/outcomes", (CampaignService s, bool? includeInactive, CancellationToken ct) => s.ListOutcomesAsync(includeInactive ?? false, ct)).WithTags("Campaigns")
            .WithSummary("The outcome table: categories, flags, retry delays, keyboard shortcuts");
        api.MapPost("/outcomes", async (OutcomeInput input, CampaignService s, CancellationToken ct) =>
        {
            var created = await s.CreateOutcomeAsync(input, ct);
            return TypedResults.Created($"/api/v1/outcomes/{created.Id}", created);
        }).RequireAuthorization(Identity.Policies.Administrator).WithTags("Campaigns").WithSummary("Add an outcome (administrators)");
        api.MapPut("/outcomes/{id:int}", (int id, OutcomeInput input, CampaignService s, CancellationToken ct) => s.UpdateOutcomeAsync(id, input, ct))
            .RequireAuthorization(Identity.Policies.Administrator).WithTags("Campaigns").WithSummary("Edit or deactivate an outcome (administrators)");

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/", (CampaignService s, bool? includeRetired, CancellationToken ct) => s.ListAsync(includeRetired ?? true, ct)).WithSummary("Campaigns");
        campaigns.MapGet("/workable", (CampaignService s, ClaimsPrincipal user, CancellationToken ct) => s.WorkableAsync(UserId(user), ct))
            .WithSummary("The campaigns the calling user may work on the desk");
        campaigns.MapGet("/{id:int}", (int id, CampaignService s, CancellationToken ct) => s.GetAsync(id, ct)).WithSummary("One campaign");
        var manage = campaigns.MapGroup("").RequireAuthorization(p => p.RequireRole(Managers));
        manage.MapPost("/", async (CampaignInput input, CampaignService s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var c = await s.CreateAsync(input, user.UserName(), ct);
            return TypedResults.Created($"/api/v1/campaigns/{c.Id}", c);
        }).WithSummary("Create a campaign (supervisors, administrators)");
        manage.MapPut("/{id:int}", (int id, CampaignInput input, CampaignService s, CancellationToken ct) => s.UpdateAsync(id, input, ct))
            .WithSummary("Replace a campaign; send the version you read (409 if it changed)");
        manage.MapPost("/{id:int}/retire", (int id, CampaignService s, CancellationToken ct) => s.SetRetiredAsync(id, true, ct))
            .WithSummary("Retire (obsoleta): no longer served; its figures stay");
        manage.MapPost("/{id:int}/wizard/preview", (int id, WizardInput input, WizardService s, CancellationToken ct) => s.PreviewAsync(id, input, ct))
            .WithSummary("Wizard steps 1–2: how many registry records match the criteria and exclusions, with a sample");
        manage.MapPost("/{id:int}/wizard/fill", (int id, WizardInput input, WizardService s, CancellationToken ct) => s.FillAsync(id, input, ct))
            .WithSummary("Wizard steps 3–4: copy the matches in and share them out (one INSERT … SELECT; idempotent)");
        manage.MapGet("/{id:int}/entries", (int id, SupervisorService s, string? state, string? assignedUserId, Guid? customerId, long? cursor, int? limit, CancellationToken ct) =>
            s.EntriesAsync(id, state, assignedUserId, customerId, cursor, limit ?? 100, ct)).WithSummary("Names in the campaign (cursor = last id seen)");
        manage.MapGet("/{id:int}/stats", (int id, SupervisorService s, CancellationToken ct) => s.StatsAsync(id, ct))
            .WithSummary("Supervisor view: counts by state and outcome, progress per operator");
        manage.MapPost("/{id:int}/reassign", (int id, ReassignInput input, SupervisorService s, TimeProvider clock, CancellationToken ct) =>
            s.ReassignAsync(id, input, clock.GetUtcNow().UtcDateTime, ct)).WithSummary("Move open names from one operator (or \"pool\") to another");
        manage.MapPost("/{id:int}/recycle", (int id, RecycleInput input, SupervisorService s, CancellationToken ct) => s.RecycleAsync(id, input, ct))
            .WithSummary("Put names back to call by their last outcome");

        var desk = api.MapGroup("").WithTags("Outbound desk").RequireAuthorization(p => p.RequireRole(Callers));
        desk.MapPost("/campaigns/{id:int}/next", Next).WithSummary("Claim the next name (lease of a few minutes); 204 when none is due");
        desk.MapGet("/campaigns/{id:int}/promise-targets", (int id, DeskService s, CancellationToken ct) => s.PromiseTargetsAsync(id, ct))
            .WithSummary("Future campaigns eligible for a contact promise (seed 002; at most CC0028)");
        desk.MapGet("/campaign-entries/{id:long}", (long id, DeskService s, CancellationToken ct) => s.CardAsync(id, ct))
            .WithSummary("The call card: record, last contacts, history in this campaign, other campaigns");
        desk.MapPost("/campaign-entries/{id:long}/close", (long id, CloseInput input, DeskService s, ClaimsPrincipal user, CancellationToken ct) =>
            s.CloseAsync(id, input, UserId(user), user.UserName(), ct)).WithSummary("Close the call with an outcome (and a contact promise)");
        desk.MapPost("/campaign-entries/{id:long}/release", async (long id, DeskService s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            await s.ReleaseAsync(id, UserId(user), ct);
            return TypedResults.NoContent();
        }).WithSummary("Give a claimed name back without a call");
        return api;
    }

    static async Task<Results<Ok<DeskCard>, NoContent, ProblemHttpResult>> Next(int id, DeskService s, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            var entryId = await s.NextAsync(id, UserId(user), ct);
            return entryId is { } e ? TypedResults.Ok(await s.CardAsync(e, ct)) : TypedResults.NoContent();
        }
        catch (ForbiddenException f)
        {
            return TypedResults.Problem(f.Message, statusCode: StatusCodes.Status403Forbidden, title: "Non autorizzato");
        }
    }

    public static string UserId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The principal has no user id.");
}
