using Microsoft.AspNetCore.Components.Server.Circuits;
using Schedario.Web.Audit;
using Schedario.Web.Identity;

namespace Schedario.Web.Access;

public static class AccessApi
{
    public static IServiceCollection AddRecordAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessProfiles>();
        services.AddScoped<RecordGuard>();
        services.AddScoped<VisibilityService>();
        services.AddScoped<CircuitHandler, AccessCircuitHandler>();
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditService>();
        services.AddScoped<UserService>();
        return services;
    }

    public static RouteGroupBuilder MapAccessApi(this RouteGroupBuilder api)
    {
        var roles = api.MapGroup("/roles").WithTags("Users").RequireAuthorization(Policies.Administrator);
        roles.MapGet("/{role}/visibility", (string role, VisibilityService s, CancellationToken ct) => s.GetAsync(role, ct))
            .WithSummary("A role's visibility level (all, agency, own, none) for read, edit, delete, export and massUpdate");
        roles.MapPut("/{role}/visibility", (string role, Dictionary<string, string?> input, VisibilityService s, CancellationToken ct) => s.SetAsync(role, input, ct))
            .WithSummary("Change a role's levels, e.g. { \"read\": \"agency\", \"export\": \"none\" } (audited)");

        api.MapGet("/audit", (AuditService s, string? user, Guid? customerId, string? action, DateTime? from, DateTime? to, string? cursor, int? limit, CancellationToken ct) =>
                s.SearchAsync(new AuditQuery(user, customerId, action, from, to), cursor, limit ?? 50, ct))
            .RequireAuthorization(Policies.Administrator).WithTags("Audit")
            .WithSummary("Search the audit trail by user, record, action and time, newest first (read only: nothing can edit or delete it)");
        api.MapGet("/customers/{id:guid}/history", (Guid id, AuditService s, string? cursor, int? limit, CancellationToken ct) => s.HistoryAsync(id, cursor, limit ?? 50, ct))
            .WithTags("Audit").WithSummary("A record's history: who changed which field, from what, to what, when");
        return api;
    }
}
