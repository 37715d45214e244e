using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Gdpr;

public sealed record ConsentHistoryDto(string Purpose, string Channel, bool Given, DateTime At, string Source, string RecordedBy);
public sealed record CampaignEntryExportDto(long Id, string Campaign, string State, int Attempts, DateTime CreatedAt, DateTime? LastCallAt);
public sealed record CallExportDto(long Id, string Campaign, DateTime StartedAt, DateTime EndedAt, int DurationSeconds, string Outcome, string? Note, string OperatorName);

/// <summary>Everything held about a person (GDPR art. 15 and 20), as one document.</summary>
public sealed record GdprExport(DateTime ExportedAt, CustomerDto Record, List<ConsentHistoryDto> ConsentHistory,
    List<OwnerDto> Owners, List<CampaignEntryExportDto> CampaignEntries, List<CallExportDto> Calls);

public sealed record EraseInput(int? Version, string? Reason);
public sealed record LegalHoldInput(bool? LegalHold, string? Reason);

/// <summary>
/// The data subject's rights: export everything we hold about a record, and erase it — an
/// irreversible anonymisation that keeps the row (and so every count, campaign figure and call
/// statistic) but nothing that identifies the person. Both are audited; erasure is refused under a
/// legal hold.
/// </summary>
public sealed class GdprService(SchedarioDb db, CustomerService customers, OrganizationService organization, RecordGuard guard, AuditLog audit, TimeProvider clock)
{
    public const string Anonymous = "Anonimo";
    public const string Redacted = "***";

    public async Task<GdprExport> ExportAsync(Guid customerId, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Export, customerId, ct);
        var record = await customers.GetAsync(customerId, ct);
        var consents = await db.Set<Consent>().AsNoTracking().Where(c => c.CustomerId == customerId).OrderBy(c => c.At).ToListAsync(ct);
        var owners = (await organization.GetRecordSubjectsAsync(customerId, ct)).Owners;
        var entries = await (from e in db.Set<CampaignEntry>().AsNoTracking()
                             join c in db.Set<Campaign>() on e.CampaignId equals c.Id
                             where e.CustomerId == customerId
                             orderby e.Id
                             select new CampaignEntryExportDto(e.Id, c.Code, e.State.ToString(), e.Attempts, e.CreatedAt, e.LastCallAt)).ToListAsync(ct);
        var calls = await (from k in db.Set<Call>().AsNoTracking()
                           join c in db.Set<Campaign>() on k.CampaignId equals c.Id
                           where k.CustomerId == customerId
                           orderby k.StartedAt
                           select new CallExportDto(k.Id, c.Code, k.StartedAt, k.EndedAt, k.DurationSeconds, k.OutcomeCode, k.Note, k.OperatorName)).ToListAsync(ct);
        await audit.WriteAsync(AuditActions.Export, "customer", customerId.ToString(), customerId, "esportazione GDPR", ct: ct);
        return new GdprExport(clock.GetUtcNow().UtcDateTime, record,
            consents.Select(c => new ConsentHistoryDto(EnumText.Wire(c.Purpose), EnumText.Wire(c.Channel), c.Given, c.At, c.Source, c.RecordedBy)).ToList(),
            owners, entries, calls);
    }

    /// <summary>The same export flattened to "section;item;field;value" rows, for a spreadsheet.</summary>
    public static string ToCsv(GdprExport export)
    {
        var csv = new StringBuilder("sezione;elemento;campo;valore\n");
        void Row(string section, int item, string field, object? value)
        {
            var text = value switch
            {
                null => "",
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            if (text.Length == 0) return;
            csv.Append(Quote(section)).Append(';').Append(item).Append(';').Append(Quote(field)).Append(';').Append(Quote(text)).Append('\n');
        }
        void Object(string section, int item, object value)
        {
            foreach (var p in JsonSerializer.SerializeToElement(value, Json).EnumerateObject())
                if (p.Value.ValueKind is not JsonValueKind.Array and not JsonValueKind.Object)
                    Row(section, item, p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
        }
        Object("record", 1, export.Record);
        void List<T>(string section, IEnumerable<T> items) where T : notnull
        {
            var i = 0;
            foreach (var x in items) Object(section, ++i, x);
        }
        List("addresses", export.Record.Addresses);
        List("phones", export.Record.Phones);
        List("emails", export.Record.Emails);
        List("referents", export.Record.Referents);
        List("sites", export.Record.Sites);
        List("characteristics", export.Record.Characteristics);
        List("consents", export.ConsentHistory);
        List("owners", export.Owners);
        List("campaignEntries", export.CampaignEntries);
        List("calls", export.Calls);
        return csv.ToString();
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static string Quote(string s) => s.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public async Task SetLegalHoldAsync(Guid customerId, LegalHoldInput input, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Edit, customerId, ct);
        if (input.LegalHold is null) throw new ValidationException(new FieldErrors().Add("legalHold", "Indicare true o false."));
        var c = await db.Set<Customer>().FirstAsync(x => x.Id == customerId, ct);
        if (c.ErasedAt is not null) throw new RuleException("L'anagrafica è già stata cancellata.", "erased");
        c.LegalHold = input.LegalHold.Value;
        c.Version++;
        audit.Add(AuditActions.Update, "customer", customerId.ToString(), customerId, "legalHold", (!input.LegalHold).ToString(), input.LegalHold.ToString(), input.Reason);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Anonymises a record irreversibly, in one transaction (right to erasure, art. 17).</summary>
    public async Task EraseAsync(Guid customerId, EraseInput input, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Delete, customerId, ct);
        var c = await db.Set<Customer>().Include(x => x.Phones).Include(x => x.Emails).Include(x => x.Addresses)
            .Include(x => x.Referents).Include(x => x.Sites).AsSplitQuery().FirstAsync(x => x.Id == customerId, ct);
        if (c.LegalHold) throw new RuleException("L'anagrafica è sotto vincolo legale (legal hold): la cancellazione è rifiutata finché il vincolo resta.", "legal-hold");
        if (c.ErasedAt is not null) throw new RuleException("L'anagrafica è già stata cancellata.", "erased");
        if (input.Version is not null && input.Version != c.Version)
            throw new ConcurrencyException("L'anagrafica è stata modificata nel frattempo: ricaricarla prima di cancellarla.");

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The values the audit trail holds about the person go first (the one update its trigger allows).
            await db.Set<AuditEntry>().Where(a => a.CustomerId == customerId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.OldValue, a => a.OldValue == null ? null : Redacted)
                    .SetProperty(a => a.NewValue, a => a.NewValue == null ? null : Redacted)
                    .SetProperty(a => a.Details, a => a.Details == null ? null : Redacted), ct);
            await db.Set<Dedup.CustomerMerge>().Where(m => m.SurvivorId == customerId || m.MergedId == customerId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Snapshot, "{}"), ct);
            await db.Set<Call>().Where(k => k.CustomerId == customerId && k.Note != null).ExecuteUpdateAsync(s => s.SetProperty(k => k.Note, (string?)null), ct);
            await db.Set<CustomerCharacteristic>().Where(x => x.CustomerId == customerId && x.Note != null).ExecuteUpdateAsync(s => s.SetProperty(x => x.Note, (string?)null), ct);

            var shortId = c.Id.ToString("N")[^8..];
            c.FirstName = c.Kind == CustomerKind.Person ? Anonymous : null;
            c.LastName = c.Kind == CustomerKind.Person ? shortId : null;
            c.CompanyName = c.Kind == CustomerKind.Company ? $"{Anonymous} {shortId}" : null;
            c.LegalForm = null;
            c.TaxCode = null;
            c.VatNumber = null;
            c.DocumentType = null;
            c.DocumentNumber = null;
            c.Notes = null;
            c.ExternalId = null;
            c.DisplayName = $"{Anonymous} {shortId}";
            c.SearchName = c.SearchNameAlt = $"anonimo {shortId}";
            c.MainPhone = null;
            c.MainEmail = null;
            c.PostalCode = null;
            // Province and region stay: they carry no identity and keep the figures by area right.
            c.City = null;
            foreach (var a in c.Addresses) { a.Street = null; a.HouseNumber = null; a.PostalCode = null; a.City = null; }
            foreach (var s in c.Sites) { s.Street = null; s.HouseNumber = null; s.PostalCode = null; }
            db.RemoveRange(c.Phones);
            db.RemoveRange(c.Emails);
            db.RemoveRange(c.Referents);
            c.ErasedAt = clock.GetUtcNow().UtcDateTime;
            c.UpdatedAt = c.ErasedAt.Value;
            c.UpdatedBy = AmbientAccess.Current?.UserName ?? "sistema";
            c.Version++;
            // Saved without the field-by-field trail (it would write the very values being erased back).
            AuditInterceptor.Suppress = true;
            try { await db.SaveChangesAsync(ct); }
            finally { AuditInterceptor.Suppress = false; }
            audit.Add(AuditActions.Erase, "customer", customerId.ToString(), customerId, details: string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim());
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
    }
}
