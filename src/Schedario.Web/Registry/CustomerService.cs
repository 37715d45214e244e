using System.Text;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Data;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry;

/// <summary>Reads and writes registry records. Pages and API endpoints both call it in-process.</summary>
public sealed class CustomerService(SchedarioDb db, RecordGuard guard, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    IQueryable<Customer> Customers => db.Set<Customer>();

    public async Task<CustomerDto> GetAsync(Guid id, CancellationToken ct = default)
    {
        var c = await LoadAsync(id, ct) ?? throw new NotFoundException("Anagrafica non trovata.");
        var characteristics = await CharacteristicsOfAsync(id, ct);
        return CustomerMapping.ToDto(c, characteristics);
    }

    async Task<Customer?> LoadAsync(Guid id, CancellationToken ct) =>
        await Customers
            .Include(c => c.Addresses).Include(c => c.Phones).Include(c => c.Emails)
            .Include(c => c.Referents).Include(c => c.Sites).Include(c => c.Consents)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id, ct);

    public async Task<List<CustomerCharacteristicDto>> CharacteristicsOfAsync(Guid customerId, CancellationToken ct = default) =>
        InForce(await db.Set<CustomerCharacteristic>().AsNoTracking()
            .Where(x => x.CustomerId == customerId)
            .Select(x => new CharacteristicRow(x.Id, x.CharacteristicId, x.Characteristic!.Code, x.Characteristic.Description, x.Characteristic.Category, x.Date, x.Note, x.RecordedAt))
            .ToListAsync(ct));

    /// <summary>A record's characteristic rows as read (other queries project them too, e.g. the call screen's).</summary>
    public sealed record CharacteristicRow(Guid Id, int CharacteristicId, string Code, string Description, string Category, DateOnly Date, string? Note, DateTime RecordedAt);

    /// <summary>The newest date per characteristic is in force; the rest is its history.</summary>
    public static List<CustomerCharacteristicDto> InForce(IReadOnlyCollection<CharacteristicRow> rows)
    {
        var current = rows.GroupBy(r => r.CharacteristicId)
            .Select(g => g.OrderByDescending(r => r.Date).ThenByDescending(r => r.RecordedAt).First().Id).ToHashSet();
        return rows.OrderBy(r => r.Code).ThenByDescending(r => r.Date)
            .Select(r => new CustomerCharacteristicDto(r.Id, r.CharacteristicId, r.Code, r.Description, r.Category, r.Date, r.Note, current.Contains(r.Id)))
            .ToList();
    }

    /// <summary>Keyset-paged list in name order; the cursor is opaque to clients.</summary>
    public async Task<CustomerPage> ListAsync(RegistryFilter filter, string? cursor, int limit, bool includeTotal, CancellationToken ct = default)
    {
        var errors = filter.Validate();
        limit = Math.Clamp(limit <= 0 ? 50 : limit, 1, MaxPageSize);
        (string Name, Guid Id)? after = null;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
            if (after is null) errors.Add("cursor", "Cursore non valido.");
        }
        if (errors.Any) throw new ValidationException(errors);

        var query = filter.Apply(Customers.AsNoTracking(), db);
        long? total = includeTotal ? await query.LongCountAsync(ct) : null;
        if (after is { } a)
            query = query.Where(c => string.Compare(c.SearchName, a.Name) > 0 || (c.SearchName == a.Name && c.Id.CompareTo(a.Id) > 0));
        var rows = await query.OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(limit + 1)
            .Select(CustomerMapping.Summary).ToListAsync(ct);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            var last = rows[^1];
            next = EncodeCursor(TextNormalizer.SearchKey(last.DisplayName), last.Id);
        }
        return new CustomerPage(rows, next, total);
    }

    /// <summary>Offset paging with any sort, for the UI grid (pages of a few dozen rows).</summary>
    public async Task<(List<CustomerSummary> Rows, int Total)> GridAsync(RegistryFilter filter, string? sortBy, bool descending, int skip, int take, CancellationToken ct = default)
    {
        var query = filter.Apply(Customers.AsNoTracking(), db);
        var total = await query.CountAsync(ct);
        query = (sortBy, descending) switch
        {
            ("city", false) => query.OrderBy(c => c.City).ThenBy(c => c.SearchName),
            ("city", true) => query.OrderByDescending(c => c.City).ThenBy(c => c.SearchName),
            ("province", false) => query.OrderBy(c => c.Province).ThenBy(c => c.SearchName),
            ("province", true) => query.OrderByDescending(c => c.Province).ThenBy(c => c.SearchName),
            ("createdAt", false) => query.OrderBy(c => c.CreatedAt),
            ("createdAt", true) => query.OrderByDescending(c => c.CreatedAt),
            ("stage", false) => query.OrderBy(c => c.Stage).ThenBy(c => c.SearchName),
            ("stage", true) => query.OrderByDescending(c => c.Stage).ThenBy(c => c.SearchName),
            (_, true) => query.OrderByDescending(c => c.SearchName).ThenByDescending(c => c.Id),
            _ => query.OrderBy(c => c.SearchName).ThenBy(c => c.Id),
        };
        var rows = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxPageSize)).Select(CustomerMapping.Summary).ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>
    /// The records of a filter as CSV (UTF-8 with BOM, ';' for Italian Excel), streamed. Only records
    /// the user may export are written; the export itself is audited with its filter and count.
    /// </summary>
    public async Task<int> ExportCsvAsync(RegistryFilter filter, Stream output, Audit.AuditLog audit, CancellationToken ct = default)
    {
        var errors = filter.Validate();
        if (errors.Any) throw new ValidationException(errors);
        var query = guard.Within(filter.Apply(Customers.AsNoTracking(), db), RecordAction.Export);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteLineAsync("id;tipo;fase;nominativo;codice_fiscale;partita_iva;comune;provincia;regione;telefono;email;creata_il");
        var count = 0;
        await foreach (var r in query.OrderBy(c => c.SearchName).ThenBy(c => c.Id).Select(CustomerMapping.Summary).AsAsyncEnumerable().WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(';', r.Id, r.Kind, r.Stage, Csv(r.DisplayName), r.TaxCode, r.VatNumber, Csv(r.City), r.Province,
                Csv(r.Region), r.MainPhone, Csv(r.MainEmail), r.CreatedAt.ToString("dd/MM/yyyy")));
            count++;
        }
        await writer.FlushAsync(ct);
        await audit.WriteAsync(Audit.AuditActions.Export, "customer", null, details: $"{count} anagrafiche; filtro {System.Text.Json.JsonSerializer.Serialize(filter)}", ct: ct);
        return count;
    }

    static string Csv(string? s) => s is null ? "" : s.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;

    /// <summary>Search as you type: the first few matches in name order.</summary>
    public async Task<List<CustomerSummary>> SearchAsync(string text, int limit = 10, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        limit = Math.Clamp(limit, 1, 50);
        var found = new Dictionary<Guid, CustomerSummary>();
        foreach (var branch in QuickSearch.Branches(Customers.AsNoTracking(), db, text))
            foreach (var row in await branch.Take(limit).Select(CustomerMapping.Summary).ToListAsync(ct))
                found.TryAdd(row.Id, row);
        return found.Values
            .OrderBy(r => TextNormalizer.SearchKey(r.DisplayName), StringComparer.Ordinal).ThenBy(r => r.Id)
            .Take(limit).ToList();
    }

    /// <summary>Caller-ID: any format → E.164 → exact match on record and referent phones.</summary>
    public async Task<LookupResult> LookupAsync(string? phone, CancellationToken ct = default)
    {
        if (!PhoneNormalizer.TryNormalize(phone, out var e164))
            throw new ValidationException(new FieldErrors().Add("phone", $"Numero di telefono non valido: '{phone}'."));
        var matches = await (
                from p in db.Set<CustomerPhone>().AsNoTracking()
                join c in Customers.AsNoTracking() on p.CustomerId equals c.Id
                where p.E164 == e164
                orderby p.ReferentId != null, c.SearchName
                select new LookupMatch(c.Id, c.DisplayName, p.E164, p.ReferentId))
            .Take(50).ToListAsync(ct);
        return new LookupResult(matches);
    }

    public async Task<CustomerDto> CreateAsync(CustomerInput input, string user, CancellationToken ct = default)
    {
        var errors = CustomerWriter.Validate(input);
        if (errors.Any) throw new ValidationException(errors);
        // A new record belongs to its author's agency, so the agency keeps seeing it.
        var customer = new Customer { AgencyId = AmbientAccess.Current?.AgencyId };
        CustomerWriter.Apply(input, customer, user, clock.GetUtcNow().UtcDateTime);
        if (customer.ExternalId is not null && await Customers.IgnoreQueryFilters().AnyAsync(c => c.ExternalId == customer.ExternalId, ct))
            throw new ConflictException($"Esiste già un'anagrafica con codice esterno '{customer.ExternalId}'.", "externalId");
        db.Add(customer);
        await db.SaveChangesAsync(ct);
        return await GetAsync(customer.Id, ct);
    }

    public async Task<CustomerDto> UpdateAsync(Guid id, CustomerInput input, string user, CancellationToken ct = default)
    {
        var errors = CustomerWriter.Validate(input);
        if (input.Version is null) errors.Add("version", "Indicare la versione letta (controllo delle modifiche concorrenti).");
        var customer = await LoadAsync(id, ct) ?? throw new NotFoundException("Anagrafica non trovata.");
        await guard.EnsureAsync(RecordAction.Edit, id, ct);
        if (errors.Any) throw new ValidationException(errors);
        if (customer.Version != input.Version)
            throw new ConcurrencyException($"L'anagrafica è stata modificata da {customer.UpdatedBy} il {customer.UpdatedAt:dd/MM/yyyy HH:mm}: ricaricarla e ripetere la modifica.");
        var newExternalId = TextNormalizer.Clean(input.ExternalId);
        if (newExternalId is not null && newExternalId != customer.ExternalId &&
            await Customers.IgnoreQueryFilters().AnyAsync(c => c.ExternalId == newExternalId && c.Id != id, ct))
            throw new ConflictException($"Esiste già un'anagrafica con codice esterno '{newExternalId}'.", "externalId");

        CustomerWriter.Apply(input, customer, user, clock.GetUtcNow().UtcDateTime);
        customer.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyException("L'anagrafica è stata modificata da un altro utente nel frattempo: ricaricarla e ripetere la modifica.");
        }
        return await GetAsync(id, ct);
    }

    /// <summary>Soft delete: the record leaves every list and search but its history stays.</summary>
    public async Task DeleteAsync(Guid id, int? version, string user, CancellationToken ct = default)
    {
        var customer = await Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Anagrafica non trovata.");
        await guard.EnsureAsync(RecordAction.Delete, id, ct);
        if (version is not null && version != customer.Version)
            throw new ConcurrencyException("L'anagrafica è stata modificata nel frattempo: ricaricarla prima di eliminarla.");
        customer.IsDeleted = true;
        customer.DeletedAt = clock.GetUtcNow().UtcDateTime;
        customer.UpdatedBy = user;
        customer.Version++;
        await db.SaveChangesAsync(ct);
    }

    static string EncodeCursor(string name, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id:N}|{name}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static (string, Guid)? DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var bar = text.IndexOf('|');
            return bar == 32 && Guid.TryParseExact(text[..32], "N", out var id) ? (text[33..], id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
