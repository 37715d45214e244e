using Microsoft.AspNetCore.Http.HttpResults;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Organization;

public static class OrganizationApi
{
    public static IServiceCollection AddOrganization(this IServiceCollection services) => services.AddScoped<OrganizationService>();

    public static RouteGroupBuilder MapOrganizationApi(this RouteGroupBuilder api)
    {
        var agencies = api.MapGroup("/agencies").WithTags("Subjects");
        agencies.MapGet("/", (OrganizationService s, CancellationToken ct) => s.ListAgenciesAsync(ct)).WithSummary("Agencies");
        agencies.MapPost("/", async (AgencyInput input, OrganizationService s, CancellationToken ct) =>
        {
            var a = await s.SaveAgencyAsync(null, input, ct);
            return TypedResults.Created($"/api/v1/agencies/{a.Id}", a);
        }).RequireAuthorization(Policies.Administrator).WithSummary("Create an agency (administrators)");
        agencies.MapPut("/{id:int}", (int id, AgencyInput input, OrganizationService s, CancellationToken ct) => s.SaveAgencyAsync(id, input, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Edit or deactivate an agency (administrators)");

        var subjects = api.MapGroup("/subjects").WithTags("Subjects");
        subjects.MapGet("/", (OrganizationService s, string? kind, int? agencyId, CancellationToken ct) => s.ListSubjectsAsync(kind, agencyId, ct))
            .WithSummary("Subjects: agents, operators and referrers (filter by kind and agency)");
        subjects.MapPost("/", async (SubjectInput input, OrganizationService s, CancellationToken ct) =>
        {
            var x = await s.SaveSubjectAsync(null, input, ct);
            return TypedResults.Created($"/api/v1/subjects/{x.Id}", x);
        }).RequireAuthorization(Policies.Administrator).WithSummary("Create a subject (administrators)");
        subjects.MapPut("/{id:int}", (int id, SubjectInput input, OrganizationService s, CancellationToken ct) => s.SaveSubjectAsync(id, input, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Edit or deactivate a subject (administrators)");

        var types = api.MapGroup("/portfolio-types").WithTags("Subjects");
        types.MapGet("/", (OrganizationService s, CancellationToken ct) => s.ListPortfolioTypesAsync(ct)).WithSummary("Portfolio types");
        types.MapPost("/", async (PortfolioTypeInput input, OrganizationService s, CancellationToken ct) =>
        {
            var t = await s.SavePortfolioTypeAsync(null, input, ct);
            return TypedResults.Created($"/api/v1/portfolio-types/{t.Id}", t);
        }).RequireAuthorization(Policies.Administrator).WithSummary("Create a portfolio type (administrators)");
        types.MapPut("/{id:int}", (int id, PortfolioTypeInput input, OrganizationService s, CancellationToken ct) => s.SavePortfolioTypeAsync(id, input, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Edit or deactivate a portfolio type (administrators)");

        var records = api.MapGroup("/customers").WithTags("Subjects");
        records.MapGet("/{id:guid}/subjects", (Guid id, OrganizationService s, CancellationToken ct) => s.GetRecordSubjectsAsync(id, ct))
            .WithSummary("A record's owners per portfolio type, referrer and agency");
        records.MapPut("/{id:guid}/subjects", (Guid id, RecordSubjectsInput input, OrganizationService s, HttpContext http, CancellationToken ct) =>
            s.SetRecordSubjectsAsync(id, input, http.User.UserName(), ct)).WithSummary("Set a record's owners, referrer and agency");
        records.MapPost("/assign", (BulkAssignInput input, OrganizationService s, HttpContext http, CancellationToken ct) =>
            s.BulkAssignAsync(input, http.User.UserName(), ct)).WithSummary("Assign an owner and/or agency to many records (mass update)");
        return api;
    }
}
