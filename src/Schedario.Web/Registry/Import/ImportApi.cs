using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Import;

public static class ImportApi
{
    public static RouteGroupBuilder MapImportApi(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Import").RequireAuthorization(Policies.ManageRegistry).DisableAntiforgery();
        imports.MapPost("/preview", Preview).WithSummary("Upload a CSV/XLSX and get its columns, a suggested mapping and the first rows validated")
            .Accepts<IFormFile>("multipart/form-data");
        imports.MapPost("/", Start).WithSummary("Start an import: multipart with `file` (or `uploadId` from a preview), `mode` (insert|update|upsert), `mapping` (JSON column→field) or `templateId`")
            .Accepts<IFormFile>("multipart/form-data");
        imports.MapGet("/", (ImportService s, int? limit, CancellationToken ct) => s.ListAsync(limit ?? 50, ct)).WithSummary("Recent imports");
        imports.MapGet("/{id:guid}", (Guid id, ImportService s, CancellationToken ct) => s.GetAsync(id, ct)).WithSummary("Progress and counters of an import");
        imports.MapGet("/{id:guid}/errors", ImportDownloads.Errors).WithSummary("Rows not imported, as CSV (row;field;error;original values)");
        imports.MapPost("/{id:guid}/revert", (Guid id, ImportService s, CancellationToken ct) => s.RevertAsync(id, ct)).WithSummary("Remove the records this import created");

        var templates = api.MapGroup("/import-templates").WithTags("Import").RequireAuthorization(Policies.ManageRegistry);
        templates.MapGet("/", (ImportService s, CancellationToken ct) => s.TemplatesAsync(ct)).WithSummary("Saved column mappings");
        templates.MapPost("/", (ImportTemplateInput input, ImportService s, HttpContext http, CancellationToken ct) => s.SaveTemplateAsync(input, http.User.UserName(), ct))
            .WithSummary("Save (or replace by name) a column mapping");
        return api;
    }

    public sealed record PreviewResponse(string UploadId, ImportPreview Preview);

    static async Task<PreviewResponse> Preview(HttpRequest request, ImportService service, ImportOptions options, CancellationToken ct)
    {
        var file = await ReadFileAsync(request, options, ct) ?? throw new ValidationException(new FieldErrors().Add("file", "Allegare il file da importare."));
        var path = await StoreAsync(service, file, ct);
        return new PreviewResponse(Path.GetFileName(path), service.Preview(path, file.FileName, null));
    }

    static async Task<Accepted<ImportJobDto>> Start(HttpRequest request, ImportService service, ImportOptions options, HttpContext http, CancellationToken ct)
    {
        var file = await ReadFileAsync(request, options, ct);
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        string path, fileName;
        if (file is not null)
        {
            path = await StoreAsync(service, file, ct);
            fileName = file.FileName;
        }
        else if (form?["uploadId"].ToString() is { Length: > 0 } uploadId && service.FindUpload(uploadId) is { } stored)
        {
            path = stored;
            fileName = form["fileName"].ToString() is { Length: > 0 } n ? n : uploadId;
        }
        else throw new ValidationException(new FieldErrors().Add("file", "Allegare il file da importare (o indicare uploadId di un'anteprima)."));

        Dictionary<string, string>? mapping = null;
        if (form?["mapping"].ToString() is { Length: > 0 } json)
        {
            try { mapping = JsonSerializer.Deserialize<Dictionary<string, string>>(json); }
            catch (JsonException) { throw new ValidationException(new FieldErrors().Add("mapping", "Mappatura non valida: atteso un oggetto JSON colonna → campo.")); }
        }
        else if (form?["templateId"].ToString() is { Length: > 0 } templateId)
        {
            var template = (await service.TemplatesAsync(ct)).FirstOrDefault(t => t.Id.ToString() == templateId)
                ?? throw new ValidationException(new FieldErrors().Add("templateId", "Modello di mappatura sconosciuto."));
            mapping = template.Mapping;
        }
        var job = await service.StartAsync(path, fileName, form?["mode"].ToString() is { Length: > 0 } m ? m : null, mapping, http.User.UserName(), ct);
        return TypedResults.Accepted($"/api/v1/imports/{job.Id}", job);
    }

    static async Task<IFormFile?> ReadFileAsync(HttpRequest request, ImportOptions options, CancellationToken ct)
    {
        if (!request.HasFormContentType) return null;
        // The form reader's own cap sits just above ours, so an oversized upload is a clear 413.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.MaxFileBytes + (1 << 20);
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.MaxFileBytes + (1 << 20) }, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: 413 })
        {
            throw new FileTooLargeException($"Il file supera il limite di {options.MaxFileMegabytes} MB.");
        }
        return form.Files.GetFile("file");
    }

    static async Task<string> StoreAsync(ImportService service, IFormFile file, CancellationToken ct)
    {
        await using var stream = file.OpenReadStream();
        return await service.StoreAsync(stream, file.FileName, ct);
    }
}

public static class ImportDownloads
{
    /// <summary>The error report for the browser UI, which carries the login cookie rather than a token.</summary>
    public static void MapImportDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet("/downloads/imports/{id:guid}/errors.csv", Errors).RequireAuthorization(Policies.ManageRegistry).ExcludeFromDescription();

    internal static async Task Errors(Guid id, ImportService service, HttpContext http, CancellationToken ct)
    {
        await service.GetAsync(id, ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"errori-importazione-{id:N}.csv\"";
        await service.WriteErrorsCsvAsync(id, http.Response.Body, ct);
    }
}

public static class ImportModule
{
    public static IServiceCollection AddRegistryImport(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Schedario:Import").Get<ImportOptions>() ?? new ImportOptions();
        services.AddSingleton(options);
        services.AddSingleton<ImportQueue>();
        services.AddScoped<ImportService>();
        services.AddScoped<ImportRunner>();
        services.AddHostedService<ImportWorker>();
        return services;
    }
}
