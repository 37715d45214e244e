using Microsoft.AspNetCore.Http.HttpResults;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Dedup;

public static class DuplicatesApi
{
    public static RouteGroupBuilder MapDuplicatesApi(this RouteGroupBuilder api)
    {
        var duplicates = api.MapGroup("/duplicates").WithTags("Deduplication");
        duplicates.MapGet("/", List).RequireAuthorization(Policies.ManageRegistry)
            .WithSummary("Candidate duplicate pairs (same tax code, VAT, phone, e-mail, or name in the same city), by score, cursor-paged");
        duplicates.MapPost("/dismiss", Dismiss).RequireAuthorization(Policies.ManageRegistry)
            .WithSummary("Mark a pair as not a duplicate: it is no longer proposed");

        var customers = api.MapGroup("/customers").WithTags("Deduplication");
        customers.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.ManageRegistry)
            .WithSummary("Merge another record into this one, choosing field by field; the other is soft-deleted");
        customers.MapGet("/{id:guid}/merges", (Guid id, MergeService s, CancellationToken ct) => s.HistoryAsync(id, ct))
            .WithSummary("Merges a record took part in (as survivor or as the merged one)");
        return api;
    }

    static Task<DuplicatePage> List(DuplicateFinder finder, int? minScore, int? limit, string? cursor, CancellationToken ct) =>
        finder.FindAsync(minScore ?? 0, limit ?? 50, cursor, ct);

    static async Task<NoContent> Dismiss(DismissInput input, DuplicateFinder finder, HttpContext http, CancellationToken ct)
    {
        await finder.DismissAsync(input, http.User.UserName(), ct);
        return TypedResults.NoContent();
    }

    static Task<CustomerDto> Merge(Guid id, MergeRequest request, MergeService service, HttpContext http, CancellationToken ct) =>
        service.MergeAsync(id, request, http.User.UserName(), ct);
}
