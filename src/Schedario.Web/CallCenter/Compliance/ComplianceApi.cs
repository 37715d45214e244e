using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Schedario.Web.Campaigns;
using Schedario.Web.Registry.Import;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>The do-not-call list, the opposition register's imports, and why a name is (not) being called.</summary>
public static class ComplianceApi
{
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.AddSingleton<ComplianceGate>();
        services.AddScoped<DoNotCallService>();
        services.AddScoped<OppositionRegisterService>();
        services.AddScoped<EntryDialability>();
        return services;
    }

    public static RouteGroupBuilder MapComplianceApi(this RouteGroupBuilder api)
    {
        var list = api.MapGroup("/do-not-call").WithTags("Do-not-call").RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers));
        list.MapGet("/", (DoNotCallService s, string? q, string? source, int? page, int? pageSize, CancellationToken ct) => s.ListAsync(q, source, page, pageSize, ct))
            .WithSummary("The do-not-call list in number order, one page at a time (page from 1, pageSize up to 200); q = a number or some of its digits; source = optOut, register or manual");
        list.MapPost("/", async (DoNotCallInput input, DoNotCallService s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var created = await s.AddManualAsync(input, user.UserName(), ct);
            return TypedResults.Created($"/api/v1/do-not-call/{Uri.EscapeDataString(created.Number)}", created);
        }).WithSummary("Add a number by hand (national or +39 form; stored E.164); 409 if it is already there by hand");
        list.MapDelete("/{number}", async (string number, DoNotCallService s, CancellationToken ct) =>
        {
            await s.RemoveManualAsync(number, ct);
            return TypedResults.NoContent();
        }).WithSummary("Remove a number added by hand (422 if it is listed only as an opt-out or by the register)");

        var register = list.MapGroup("/register").DisableAntiforgery();
        register.MapPost("/", ImportRegister).Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Import the Registro Pubblico delle Opposizioni's list (multipart `file`: one number per line or a CSV whose first column is the number). Replaces the register's numbers in one transaction and records the check");
        register.MapGet("/", (OppositionRegisterService s, int? limit, CancellationToken ct) => s.HistoryAsync(limit ?? 50, ct))
            .WithSummary("The register's checks, newest first, with the last check's date, RPODAYS and whether dialing is held back");

        api.MapGet("/campaign-entries/{id:long}/dialability", (long id, EntryDialability s, ClaimsPrincipal user, CancellationToken ct) =>
                s.ExplainAsync(id, CampaignsApi.UserId(user), ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers)).WithTags("Outbound desk")
            .WithSummary("Why the name is (not) being called now: every rule that holds it back, each with a stable code and an Italian message");
        return api;
    }

    static async Task<RegisterImportResult> ImportRegister(HttpRequest request, OppositionRegisterService service, ImportOptions options, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!request.HasFormContentType) throw new ValidationException(new FieldErrors().Add("file", "Allegare il file del registro (multipart, campo «file»)."));
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.MaxFileBytes + (1 << 20);
        IFormCollection form;
        try { form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.MaxFileBytes + (1 << 20) }, ct); }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: 413 })
        {
            throw new FileTooLargeException($"Il file supera il limite di {options.MaxFileMegabytes} MB.");
        }
        var file = form.Files.GetFile("file") ?? throw new ValidationException(new FieldErrors().Add("file", "Allegare il file del registro (campo «file»)."));
        await using var stream = file.OpenReadStream();
        return await service.ImportAsync(stream, file.FileName, user.UserName(), ct);
    }
}
