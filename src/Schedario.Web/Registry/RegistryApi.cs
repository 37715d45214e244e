using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry;

public static class RegistryApi
{
    public static RouteGroupBuilder MapRegistryApi(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Registry");
        customers.MapGet("/", List).WithSummary("List registry records (filters, cursor paging in name order)");
        customers.MapPost("/query", Query).WithSummary("List records matching a registry filter sent as JSON");
        customers.MapGet("/search", Search).WithSummary("Quick search as you type: name, phone, e-mail, codice fiscale, partita IVA, city");
        customers.MapGet("/lookup", Lookup).WithSummary("Caller-ID lookup: any phone format → E.164 → exact match");
        customers.MapPost("/export", Export).WithSummary("Export the records matching a registry filter as CSV (only those your role may export; audited)");
        customers.MapPost("/", Create).WithSummary("Create a record");
        customers.MapGet("/{id:guid}", Get).WithSummary("Read a record with every section");
        customers.MapPut("/{id:guid}", Update).WithSummary("Replace a record; send the version you read (409 if it changed)");
        customers.MapDelete("/{id:guid}", Delete).WithSummary("Delete a record (soft delete)");
        customers.MapGet("/{id:guid}/characteristics", ListCharacteristics).WithSummary("Characteristics of a record, with their history");
        customers.MapPost("/{id:guid}/characteristics", AssignCharacteristic).WithSummary("Assign a characteristic with the date it was learned");
        customers.MapDelete("/{id:guid}/characteristics/{characteristicId:int}", RemoveCharacteristic).WithSummary("Remove a characteristic (and its history) from a record");

        var characteristics = api.MapGroup("/characteristics").WithTags("Characteristics");
        characteristics.MapGet("/", (CharacteristicService s, bool? includeRetired, CancellationToken ct) => s.ListAsync(includeRetired ?? true, ct))
            .WithSummary("Characteristic definitions");
        characteristics.MapPost("/", CreateCharacteristic).RequireAuthorization(Policies.Administrator).WithSummary("Create a definition (administrators)");
        characteristics.MapPut("/{id:int}", (int id, CharacteristicInput input, CharacteristicService s, CancellationToken ct) => s.UpdateAsync(id, input, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Edit or retire a definition (administrators)");
        characteristics.MapGet("/{id:int}/removal", (int id, CharacteristicService s, CancellationToken ct) => s.PreviewRemovalAsync(id, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("How many records removing it from the registry would touch");
        characteristics.MapDelete("/{id:int}/assignments", (int id, CharacteristicService s, CancellationToken ct) => s.RemoveEverywhereAsync(id, ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Maintenance: remove it from every record");
        return api;
    }

    static Task<CustomerPage> List(CustomerService service, CancellationToken ct,
        [FromQuery] string[]? region, [FromQuery] string[]? province, [FromQuery] string[]? city, [FromQuery] string[]? postalCode,
        [FromQuery] string[]? stage, [FromQuery] string[]? kind, [FromQuery] string[]? characteristic, [FromQuery] string[]? withoutCharacteristic,
        [FromQuery] string[]? consent, DateOnly? createdFrom, DateOnly? createdTo, string? q, string? cursor, int? limit, bool? total)
    {
        var errors = new FieldErrors();
        var filter = new RegistryFilter
        {
            Regions = region?.ToList(), Provinces = province?.ToList(), Cities = city?.ToList(), PostalCodes = postalCode?.ToList(),
            Stages = stage?.ToList(), Kinds = kind?.ToList(),
            CharacteristicsPresent = ParseCharacteristics(characteristic, "characteristic", errors),
            CharacteristicsAbsent = ParseCharacteristics(withoutCharacteristic, "withoutCharacteristic", errors),
            Consents = consent?.Select(c => c.Split(':')).Select(p => new ConsentCriterion(p[0], p.Length > 1 ? p[1] : "phone")).ToList(),
            CreatedFrom = createdFrom, CreatedTo = createdTo, Text = q,
        };
        if (errors.Any) throw new ValidationException(errors);
        return service.ListAsync(filter, cursor, limit ?? 50, total ?? false, ct);
    }

    /// <summary>"ADSL" or "ADSL:2025-01-01:2025-12-31" (either date may be empty).</summary>
    static List<CharacteristicCriterion>? ParseCharacteristics(string[]? values, string field, FieldErrors errors)
    {
        if (values is null) return null;
        var list = new List<CharacteristicCriterion>();
        foreach (var v in values)
        {
            var parts = v.Split(':');
            DateOnly? from = null, to = null;
            if (parts.Length > 1 && parts[1].Length > 0) { if (DateOnly.TryParse(parts[1], out var f)) from = f; else errors.Add(field, $"Data non valida in '{v}' (usare aaaa-mm-gg)."); }
            if (parts.Length > 2 && parts[2].Length > 0) { if (DateOnly.TryParse(parts[2], out var t)) to = t; else errors.Add(field, $"Data non valida in '{v}' (usare aaaa-mm-gg)."); }
            list.Add(new CharacteristicCriterion(parts[0], from, to));
        }
        return list;
    }

    static Task<CustomerPage> Query(RegistryFilter filter, CustomerService service, CancellationToken ct, string? cursor, int? limit, bool? total) =>
        service.ListAsync(filter, cursor, limit ?? 50, total ?? false, ct);

    static async Task Export(RegistryFilter filter, CustomerService service, Audit.AuditLog audit, HttpContext http, CancellationToken ct)
    {
        // Refuse before the first byte, so a refusal is a clean 403 problem and not a broken file.
        Access.RecordGuard.EnsureMayExport();
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"anagrafiche.csv\"";
        await service.ExportCsvAsync(filter, http.Response.Body, audit, ct);
    }

    static Task<List<CustomerSummary>> Search(string? q, int? limit, CustomerService service, CancellationToken ct) =>
        service.SearchAsync(q ?? "", limit ?? 10, ct);

    static Task<LookupResult> Lookup(string? phone, CustomerService service, CancellationToken ct) => service.LookupAsync(phone, ct);

    static async Task<Created<CustomerDto>> Create(CustomerInput input, CustomerService service, HttpContext http, CancellationToken ct)
    {
        var created = await service.CreateAsync(input, http.User.UserName(), ct);
        return TypedResults.Created($"/api/v1/customers/{created.Id}", created);
    }

    static Task<CustomerDto> Get(Guid id, CustomerService service, CancellationToken ct) => service.GetAsync(id, ct);

    static Task<CustomerDto> Update(Guid id, CustomerInput input, CustomerService service, HttpContext http, CancellationToken ct) =>
        service.UpdateAsync(id, input, http.User.UserName(), ct);

    static async Task<NoContent> Delete(Guid id, int? version, CustomerService service, HttpContext http, CancellationToken ct)
    {
        await service.DeleteAsync(id, version, http.User.UserName(), ct);
        return TypedResults.NoContent();
    }

    static async Task<List<CustomerCharacteristicDto>> ListCharacteristics(Guid id, CustomerService customers, CancellationToken ct)
    {
        await customers.GetAsync(id, ct); // 404 for an unknown record rather than an empty list
        return await customers.CharacteristicsOfAsync(id, ct);
    }

    static async Task<Created<CustomerCharacteristicDto>> AssignCharacteristic(Guid id, AssignCharacteristicInput input, CharacteristicService service, HttpContext http, CancellationToken ct)
    {
        var assigned = await service.AssignAsync(id, input, http.User.UserName(), ct);
        return TypedResults.Created($"/api/v1/customers/{id}/characteristics", assigned);
    }

    static async Task<NoContent> RemoveCharacteristic(Guid id, int characteristicId, CharacteristicService service, CancellationToken ct)
    {
        await service.RemoveAsync(id, characteristicId, ct);
        return TypedResults.NoContent();
    }

    static async Task<Created<CharacteristicDto>> CreateCharacteristic(CharacteristicInput input, CharacteristicService service, CancellationToken ct)
    {
        var created = await service.CreateAsync(input, ct);
        return TypedResults.Created($"/api/v1/characteristics/{created.Id}", created);
    }
}

public static class RegistryModule
{
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.AddScoped<CustomerService>();
        services.AddScoped<CharacteristicService>();
        services.AddScoped<Dedup.DuplicateFinder>();
        services.AddScoped<Dedup.MergeService>();
        services.AddScoped<Gdpr.GdprService>();
        return services;
    }
}
