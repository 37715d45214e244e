using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Import;

public sealed record ImportJobDto(Guid Id, string FileName, string Mode, string Status, int TotalRows, int ProcessedRows, int Inserted, int Updated,
    int Duplicates, int Failed, int Unmatched, string? Error, string CreatedBy, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
    Dictionary<string, string> Mapping);

public sealed record ImportPreview(string FileName, List<string> Headers, Dictionary<string, string> SuggestedMapping,
    List<ImportPreviewRow> Rows, List<ImportFieldDto> Fields);

public sealed record ImportPreviewRow(int Row, List<string?> Values, Dictionary<string, string[]> Errors);
public sealed record ImportFieldDto(string Key, string Label);
public sealed record ImportTemplateDto(int Id, string Name, Dictionary<string, string> Mapping);
public sealed record ImportTemplateInput(string? Name, Dictionary<string, string>? Mapping);

public sealed class ImportOptions
{
    public string? Directory { get; set; }
    public int MaxFileMegabytes { get; set; } = 200;
    public long MaxFileBytes => MaxFileMegabytes * 1024L * 1024L;
    /// <summary>
    /// A file of at least this many rows going into an empty registry on PostgreSQL is loaded in one
    /// transaction with the indexes built at the end (<see cref="BulkLoad"/>); 0 turns that off.
    /// </summary>
    public int BulkLoadMinRows { get; set; } = 50_000;
    /// <summary>How long the bulk load waits for the registry tables before importing the ordinary way.</summary>
    public double BulkLoadLockTimeoutSeconds { get; set; } = 5;
}

/// <summary>Jobs waiting for the background worker.</summary>
public sealed class ImportQueue
{
    readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>();
    public ValueTask EnqueueAsync(Guid jobId) => _channel.Writer.WriteAsync(jobId);
    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}

/// <summary>Upload, preview, progress, error report, revert and mapping templates of registry imports.</summary>
public sealed class ImportService(SchedarioDb db, ImportQueue queue, ImportOptions options, IHostEnvironment env, Audit.AuditLog audit, TimeProvider clock)
{
    public const int PreviewRows = 20;

    string Folder()
    {
        var dir = options.Directory ?? Path.Combine(env.ContentRootPath, "..", "..", "data", "imports");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Streams the upload to disk (never to memory), refusing it past the size limit.</summary>
    public async Task<string> StoreAsync(Stream content, string fileName, CancellationToken ct)
    {
        if (!ImportFile.IsSupported(fileName))
            throw new ValidationException(new FieldErrors().Add("file", "Formato non supportato: caricare un file .csv o .xlsx."));
        var path = Path.Combine(Folder(), $"{Guid.CreateVersion7():N}{Path.GetExtension(fileName).ToLowerInvariant()}");
        await using var target = File.Create(path);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > options.MaxFileBytes)
            {
                target.Close();
                File.Delete(path);
                throw new FileTooLargeException($"Il file supera il limite di {options.MaxFileMegabytes} MB.");
            }
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        if (total == 0)
        {
            target.Close();
            File.Delete(path);
            throw new ValidationException(new FieldErrors().Add("file", "Il file è vuoto."));
        }
        return path;
    }

    /// <summary>The stored upload of an earlier preview, by the id the preview returned.</summary>
    public string? FindUpload(string uploadId)
    {
        if (uploadId.Contains('/') || uploadId.Contains('\\') || uploadId.Contains("..")) return null;
        var path = Path.Combine(Folder(), uploadId);
        return File.Exists(path) ? path : null;
    }

    public ImportPreview Preview(string storedPath, string fileName, Dictionary<string, string>? mapping)
    {
        ImportFile file;
        try { file = ImportFile.Open(storedPath, fileName); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ValidationException(new FieldErrors().Add("file", $"Il file non si legge: {ex.Message}"));
        }
        var suggested = mapping ?? ImportFields.Suggest(file.Headers);
        var rows = new List<ImportPreviewRow>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (row, raw) in file.Rows().Take(PreviewRows))
        {
            var values = new Dictionary<string, string?>();
            for (var i = 0; i < file.Headers.Count; i++)
                if (suggested.TryGetValue(file.Headers[i], out var field)) values[field] = raw[i];
            var errors = CustomerWriter.Validate(ImportFields.ToInput(values, now));
            rows.Add(new ImportPreviewRow(row, raw.ToList(), errors.ToDictionary()));
        }
        return new ImportPreview(fileName, file.Headers.ToList(), suggested, rows,
            ImportFields.All.Select(f => new ImportFieldDto(f.Key, f.Label)).ToList());
    }

    public async Task<ImportJobDto> StartAsync(string storedPath, string fileName, string? mode, Dictionary<string, string>? mapping, string user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var importMode = ImportMode.Upsert;
        if (mode is not null && !EnumText.TryParse(mode, out importMode)) errors.Add("mode", "Modalità non valida: insert, update o upsert.");
        ImportFile? file = null;
        try { file = ImportFile.Open(storedPath, fileName); }
        catch (Exception ex) when (ex is not OperationCanceledException) { errors.Add("file", $"Il file non si legge: {ex.Message}"); }
        mapping ??= file is null ? [] : ImportFields.Suggest(file.Headers);
        foreach (var (column, field) in mapping)
        {
            if (file is not null && !file.Headers.Contains(column)) errors.Add("mapping", $"La colonna '{column}' non è nel file.");
            if (!ImportFields.Keys.Contains(field)) errors.Add("mapping", $"Campo sconosciuto '{field}' per la colonna '{column}'.");
        }
        var fields = mapping.Values.ToHashSet();
        if (!fields.Overlaps(["lastName", "firstName", "companyName"]))
            errors.Add("mapping", "Associare almeno una colonna a cognome, nome o ragione sociale.");
        if (importMode == ImportMode.Update && !fields.Contains("externalId"))
            errors.Add("mapping", "In aggiornamento serve la colonna del codice esterno.");
        if (mapping.Values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add("mapping", $"Il campo '{twice.Key}' è associato a più colonne.");
        if (errors.Any)
        {
            File.Delete(storedPath);
            throw new ValidationException(errors);
        }
        var job = new ImportJob
        {
            FileName = Path.GetFileName(fileName), StoredPath = storedPath, Mode = importMode, Status = ImportStatus.Queued,
            MappingJson = JsonSerializer.Serialize(mapping), FileBytes = new FileInfo(storedPath).Length,
            CreatedBy = user, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(job);
        audit.Add(Audit.AuditActions.Import, "import", job.Id.ToString(), details: $"{job.FileName} ({job.Mode})");
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(job.Id);
        return ToDto(job);
    }

    public async Task<ImportJobDto> GetAsync(Guid id, CancellationToken ct = default) =>
        ToDto(await db.Set<ImportJob>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("Importazione non trovata."));

    public async Task<List<ImportJobDto>> ListAsync(int limit = 50, CancellationToken ct = default) =>
        (await db.Set<ImportJob>().AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(Math.Clamp(limit, 1, 200)).ToListAsync(ct)).Select(ToDto).ToList();

    /// <summary>The rows not imported, as CSV (row, field, message, original values) to fix and re-import.</summary>
    public async Task WriteErrorsCsvAsync(Guid id, Stream output, CancellationToken ct)
    {
        if (!await db.Set<ImportJob>().AnyAsync(j => j.Id == id, ct)) throw new NotFoundException("Importazione non trovata.");
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteLineAsync("riga;campo;errore;valori originali");
        await foreach (var e in db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.RowNumber).ThenBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
            await writer.WriteLineAsync($"{e.RowNumber};{Csv(e.Field)};{Csv(e.Message)};{Csv(e.RawRow)}");
    }

    static string Csv(string s) => s.Contains(';') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;

    public async Task<List<ImportRowError>> ErrorsAsync(Guid id, int limit, CancellationToken ct = default) =>
        await db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.RowNumber).Take(limit).ToListAsync(ct);

    /// <summary>Reverting removes the records the import created (not the ones it updated).</summary>
    public async Task<ImportJobDto> RevertAsync(Guid id, CancellationToken ct = default)
    {
        var job = await db.Set<ImportJob>().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("Importazione non trovata.");
        if (job.Status is ImportStatus.Queued or ImportStatus.Running)
            throw new RuleException("L'importazione è ancora in corso: attendere la fine prima di annullarla.", "import-running");
        if (job.Status == ImportStatus.Reverted)
            throw new RuleException("L'importazione è già stata annullata.", "import-reverted");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Children go with their record (ON DELETE CASCADE).
        await db.Set<Customer>().IgnoreQueryFilters().Where(c => c.CreatedByImportId == id).ExecuteDeleteAsync(ct);
        job.Status = ImportStatus.Reverted;
        job.FinishedAt = clock.GetUtcNow().UtcDateTime;
        audit.Add(Audit.AuditActions.Delete, "import", job.Id.ToString(), details: $"annullata: {job.FileName}, {job.Inserted} anagrafiche rimosse");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ToDto(job);
    }

    public async Task<List<ImportTemplateDto>> TemplatesAsync(CancellationToken ct = default) =>
        (await db.Set<ImportTemplate>().AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct))
        .Select(t => new ImportTemplateDto(t.Id, t.Name, JsonSerializer.Deserialize<Dictionary<string, string>>(t.MappingJson) ?? [])).ToList();

    public async Task<ImportTemplateDto> SaveTemplateAsync(ImportTemplateInput input, string user, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) errors.Add("name", "Nome del modello obbligatorio (al massimo 100 caratteri).");
        if (input.Mapping is null || input.Mapping.Count == 0) errors.Add("mapping", "Il modello non associa alcuna colonna.");
        else foreach (var (column, field) in input.Mapping.Where(kv => !ImportFields.Keys.Contains(kv.Value)))
            errors.Add("mapping", $"Campo sconosciuto '{field}' per la colonna '{column}'.");
        if (errors.Any) throw new ValidationException(errors);
        var template = await db.Set<ImportTemplate>().FirstOrDefaultAsync(t => t.Name == name, ct);
        if (template is null) db.Add(template = new ImportTemplate { Name = name!, CreatedBy = user, CreatedAt = clock.GetUtcNow().UtcDateTime });
        template.MappingJson = JsonSerializer.Serialize(input.Mapping);
        await db.SaveChangesAsync(ct);
        return new ImportTemplateDto(template.Id, template.Name, input.Mapping!);
    }

    static ImportJobDto ToDto(ImportJob j) => new(j.Id, j.FileName, EnumText.Wire(j.Mode), EnumText.Wire(j.Status), j.TotalRows, j.ProcessedRows, j.Inserted, j.Updated,
        j.Duplicates, j.Failed, j.Unmatched, j.Error, j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt,
        JsonSerializer.Deserialize<Dictionary<string, string>>(j.MappingJson) ?? []);
}

/// <summary>An upload over the configured size (413).</summary>
public sealed class FileTooLargeException(string message) : Exception(message);

/// <summary>Runs queued imports one at a time in the background; picks up interrupted ones at start.</summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, ILogger<ImportWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
            try
            {
                var pending = await db.Set<ImportJob>().Where(j => j.Status == ImportStatus.Queued || j.Status == ImportStatus.Running)
                    .OrderBy(j => j.CreatedAt).Select(j => j.Id).ToListAsync(stoppingToken);
                foreach (var id in pending) await queue.EnqueueAsync(id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Could not look for interrupted imports");
            }
        }
        await foreach (var jobId in queue.ReadAllAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ImportRunner>().RunAsync(jobId, stoppingToken);
        }
    }
}
