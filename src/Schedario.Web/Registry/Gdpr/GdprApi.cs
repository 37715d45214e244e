using Microsoft.AspNetCore.Http.HttpResults;

namespace Schedario.Web.Registry.Gdpr;

public static class GdprApi
{
    public static RouteGroupBuilder MapGdprApi(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("GDPR");
        customers.MapGet("/{id:guid}/gdpr-export", async Task<IResult> (Guid id, string? format, GdprService s, CancellationToken ct) =>
        {
            var export = await s.ExportAsync(id, ct);
            return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
                ? TypedResults.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(GdprService.ToCsv(export))).ToArray(),
                    "text/csv; charset=utf-8", $"gdpr-{id}.csv")
                : TypedResults.Ok(export);
        }).WithSummary("Everything held about a record (JSON, or CSV with ?format=csv); audited");
        customers.MapPost("/{id:guid}/erase", async (Guid id, EraseInput input, GdprService s, CancellationToken ct) =>
        {
            await s.EraseAsync(id, input, ct);
            return TypedResults.NoContent();
        }).WithSummary("Anonymise a record irreversibly (right to erasure); refused under a legal hold; audited");
        customers.MapPut("/{id:guid}/legal-hold", async (Guid id, LegalHoldInput input, GdprService s, CancellationToken ct) =>
        {
            await s.SetLegalHoldAsync(id, input, ct);
            return TypedResults.NoContent();
        }).WithSummary("Put a record under a legal hold or release it");
        return api;
    }
}
