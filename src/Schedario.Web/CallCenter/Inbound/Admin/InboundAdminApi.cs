using Schedario.Web.Campaigns;
using Schedario.Web.Identity;

namespace Schedario.Web.CallCenter.Inbound.Admin;

/// <summary>The inbound administration tables: services and closing codes.</summary>
public static class InboundAdminApi
{
    public static IServiceCollection AddInboundAdmin(this IServiceCollection services)
    {
        services.AddScoped<InboundServiceAdminService>();
        services.AddScoped<InboundCodeService>();
        return services;
    }

    public static RouteGroupBuilder MapInboundAdminApi(this RouteGroupBuilder api)
    {
        var services = api.MapGroup("/inbound-services").WithTags("Inbound");
        services.MapGet("/", (InboundServiceAdminService s, bool? includeInactive, CancellationToken ct) => s.ListAsync(includeInactive ?? true, ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("Inbound services: called number (E.164), portfolio type, operators, N of last contacts");
        var manage = services.MapGroup("").RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers));
        manage.MapPost("/", async (InboundServiceInput input, InboundServiceAdminService s, CancellationToken ct) =>
        {
            var created = await s.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/inbound-services/{created.Id}", created);
        }).WithSummary("Create an inbound service (supervisors, administrators); 409 if the code or number is taken");
        manage.MapPut("/{id:int}", (int id, InboundServiceInput input, InboundServiceAdminService s, CancellationToken ct) => s.UpdateAsync(id, input, ct))
            .WithSummary("Replace an inbound service; send the version you read (409 if it changed)");
        manage.MapDelete("/{id:int}", async (int id, int? version, InboundServiceAdminService s, CancellationToken ct) =>
        {
            await s.DeleteAsync(id, version, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete an inbound service no call has used (409 otherwise: deactivate it)");

        var codes = api.MapGroup("/inbound-codes").WithTags("Inbound");
        codes.MapGet("/", (InboundCodeService s, string? kind, bool? includeInactive, CancellationToken ct) => s.ListAsync(kind, includeInactive ?? true, ct))
            .WithSummary("Closing codes of inbound calls: kind = outcome, action, group or groupDetail (all kinds when omitted)");
        codes.MapPost("/", async (InboundCodeInput input, InboundCodeService s, CancellationToken ct) =>
        {
            var created = await s.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/inbound-codes/{created.Id}", created);
        }).RequireAuthorization(Policies.Administrator).WithSummary("Add a closing code (administrators); a group detail names its groupId");
        codes.MapPut("/{id:int}", (int id, InboundCodeInput input, InboundCodeService s, CancellationToken ct) => s.UpdateAsync(id, input, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Edit or deactivate a closing code (administrators); codes are never deleted");
        return api;
    }
}
