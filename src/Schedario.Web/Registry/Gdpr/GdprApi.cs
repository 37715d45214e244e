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
                ? CsvFile(export, id)
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

    /// <summary>The export as a CSV download, UTF-8 with a BOM so Italian Excel reads accents right.</summary>
    static FileContentHttpResult CsvFile(GdprExport export, Guid id) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(GdprService.ToCsv(export))).ToArray(),
            "text/csv; charset=utf-8", $"gdpr-{id}.csv");

    /// <summary>The same exports for the browser UI, which carries the login cookie rather than a token.</summary>
    public static void MapGdprDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/downloads/customers/{id:guid}/gdpr.json", async (Guid id, GdprService s, CancellationToken ct) =>
            TypedResults.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(await s.ExportAsync(id, ct), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true }),
                "application/json", $"gdpr-{id}.json")).ExcludeFromDescription();
        app.MapGet("/downloads/customers/{id:guid}/gdpr.csv", async (Guid id, GdprService s, CancellationToken ct) =>
            CsvFile(await s.ExportAsync(id, ct), id)).ExcludeFromDescription();
        // The list's export: the filter travels as base64url JSON, the same shape as POST /api/v1/customers/export.
        app.MapGet("/downloads/customers.csv", async (string? f, CustomerService s, Audit.AuditLog audit, HttpContext http, CancellationToken ct) =>
        {
            RegistryFilter filter;
            try
            {
                var json = f is null ? "{}" : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(f.Replace('-', '+').Replace('_', '/').PadRight(f.Length + (4 - f.Length % 4) % 4, '=')));
                filter = System.Text.Json.JsonSerializer.Deserialize<RegistryFilter>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)) ?? new RegistryFilter();
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                throw new Shared.ValidationException(new Shared.FieldErrors().Add("f", "Filtro non valido."));
            }
            Access.RecordGuard.EnsureMayExport();
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"anagrafiche.csv\"";
            await s.ExportCsvAsync(filter, http.Response.Body, audit, ct);
        }).ExcludeFromDescription();
    }
}
