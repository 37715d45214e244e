using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Dedup;

/// <summary>
/// A module that keeps rows tied to a registry record (campaign entries, contacts…) moves them to
/// the survivor of a merge by implementing this and registering it; it runs inside the merge's
/// transaction, after the registry's own rows have moved.
/// </summary>
public interface ICustomerMergeStep
{
    Task MoveAsync(SchedarioDb db, Guid fromId, Guid toId, CancellationToken ct);
}

/// <summary>
/// Merges two records of the same person or company: the user picks each main field from either
/// record; phones, e-mails, consents, characteristics, referents and sites move to the survivor;
/// the other record is soft-deleted and the merge recorded, all in one transaction.
/// </summary>
public sealed class MergeService(SchedarioDb db, CustomerService customers, Access.RecordGuard guard, Audit.AuditLog audit, TimeProvider clock, IEnumerable<ICustomerMergeStep> steps)
{
    public const string Survivor = "survivor", Duplicate = "duplicate", Both = "both";

    /// <summary>The fields a request may choose, by wire name.</summary>
    public static readonly IReadOnlyList<string> FieldNames =
        ["firstName", "lastName", "companyName", "legalForm", "taxCode", "vatNumber", "stage", "documentType", "documentNumber", "notes", "externalId", "addresses"];

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CustomerDto> MergeAsync(Guid survivorId, MergeRequest request, string user, CancellationToken ct = default)
    {
        var choices = Validate(survivorId, request);
        db.ChangeTracker.Clear();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await MergeInTransactionAsync(survivorId, request, choices, user, ct);
            await tx.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        return await customers.GetAsync(survivorId, ct);
    }

    static Dictionary<string, string> Validate(Guid survivorId, MergeRequest request)
    {
        var errors = new FieldErrors();
        if (request.DuplicateId is null) errors.Add("duplicateId", "Indicare l'anagrafica da unire.");
        else if (request.DuplicateId == survivorId) errors.Add("duplicateId", "Un'anagrafica non si può unire con se stessa.");
        if (request.SurvivorVersion is null) errors.Add("survivorVersion", "Indicare la versione letta dell'anagrafica che resta.");
        if (request.DuplicateVersion is null) errors.Add("duplicateVersion", "Indicare la versione letta dell'anagrafica da unire.");
        var choices = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, value) in request.Fields ?? [])
        {
            var name = FieldNames.FirstOrDefault(f => f.Equals(field, StringComparison.OrdinalIgnoreCase));
            var choice = value?.Trim().ToLowerInvariant();
            if (name is null) errors.Add($"fields.{field}", $"Campo sconosciuto: '{field}'.");
            else if (choice is Survivor or Duplicate || (choice is Both && name == "addresses")) choices[name] = choice;
            else errors.Add($"fields.{field}", name == "addresses"
                ? "Scegliere survivor, duplicate o both."
                : "Scegliere survivor o duplicate.");
        }
        if (errors.Any) throw new ValidationException(errors);
        return choices;
    }

    async Task MergeInTransactionAsync(Guid survivorId, MergeRequest request, Dictionary<string, string> choices, string user, CancellationToken ct)
    {
        var duplicateId = request.DuplicateId!.Value;
        var survivor = await LoadAsync(survivorId, ct) ?? throw new NotFoundException("Anagrafica non trovata.");
        var duplicate = await LoadAsync(duplicateId, ct)
                        ?? throw new NotFoundException("L'anagrafica da unire non esiste o è già stata eliminata (o unita ad un'altra).");
        // A merge edits the survivor and deletes the other record: both rights are needed.
        await guard.EnsureAsync(Access.RecordAction.Edit, survivorId, ct);
        await guard.EnsureAsync(Access.RecordAction.Delete, duplicateId, ct);
        if (survivor.Version != request.SurvivorVersion || duplicate.Version != request.DuplicateVersion)
            throw new ConcurrencyException("Una delle due anagrafiche è stata modificata nel frattempo: ricaricarle e ripetere l'unione.");
        if (survivor.Kind != duplicate.Kind)
            throw new RuleException("Si possono unire solo anagrafiche dello stesso tipo (due privati o due aziende).", "merge-kind");

        var now = clock.GetUtcNow().UtcDateTime;
        var resolved = new Dictionary<string, string>();
        var before = Snapshot(survivor);
        var merged = Snapshot(duplicate);

        T? Pick<T>(string field, T? mine, T? theirs)
        {
            var empty = mine is null || (mine is string s && s.Length == 0);
            var choice = choices.GetValueOrDefault(field) ?? (empty && theirs is not null ? Duplicate : Survivor);
            resolved[field] = choice;
            return choice == Duplicate ? theirs : mine;
        }

        survivor.FirstName = Pick("firstName", survivor.FirstName, duplicate.FirstName);
        survivor.LastName = Pick("lastName", survivor.LastName, duplicate.LastName);
        survivor.CompanyName = Pick("companyName", survivor.CompanyName, duplicate.CompanyName);
        survivor.LegalForm = Pick("legalForm", survivor.LegalForm, duplicate.LegalForm);
        survivor.TaxCode = Pick("taxCode", survivor.TaxCode, duplicate.TaxCode);
        survivor.VatNumber = Pick("vatNumber", survivor.VatNumber, duplicate.VatNumber);
        survivor.Stage = Pick<LifecycleStage?>("stage", survivor.Stage, duplicate.Stage) ?? survivor.Stage;
        survivor.DocumentType = Pick("documentType", survivor.DocumentType, duplicate.DocumentType);
        survivor.DocumentNumber = Pick("documentNumber", survivor.DocumentNumber, duplicate.DocumentNumber);
        survivor.Notes = Pick("notes", survivor.Notes, duplicate.Notes);
        var externalId = Pick("externalId", survivor.ExternalId, duplicate.ExternalId);
        if (survivor.Kind == CustomerKind.Person && survivor.FirstName is null && survivor.LastName is null)
            throw new ValidationException(new FieldErrors().Add("fields.lastName", "Dopo l'unione l'anagrafica resterebbe senza nome."));
        if (survivor.Kind == CustomerKind.Company && string.IsNullOrEmpty(survivor.CompanyName))
            throw new ValidationException(new FieldErrors().Add("fields.companyName", "Dopo l'unione l'azienda resterebbe senza ragione sociale."));

        // The loser goes first, in its own save: the external id is unique across deleted records
        // too, so it must leave the duplicate before the survivor can take it.
        duplicate.IsDeleted = true;
        duplicate.DeletedAt = now;
        duplicate.UpdatedAt = now;
        duplicate.UpdatedBy = user;
        duplicate.Version++;
        if (externalId is not null && externalId == duplicate.ExternalId) duplicate.ExternalId = null;
        await SaveAsync(ct);
        survivor.ExternalId = externalId;

        // Addresses: the survivor's, the duplicate's, or both (identical ones once).
        var addressChoice = choices.GetValueOrDefault("addresses") ?? (survivor.Addresses.Count == 0 && duplicate.Addresses.Count > 0 ? Duplicate : Survivor);
        resolved["addresses"] = addressChoice;
        if (addressChoice != Survivor)
        {
            if (addressChoice == Duplicate)
                foreach (var a in survivor.Addresses.ToList())
                {
                    survivor.Addresses.Remove(a);
                    db.Remove(a);
                }
            var position = addressChoice == Both ? survivor.Addresses.Select(a => a.Position + 1).DefaultIfEmpty(0).Max() : 0;
            foreach (var a in duplicate.Addresses.OrderBy(a => a.Position).ToList())
            {
                if (addressChoice == Both && survivor.Addresses.Any(s => SameAddress(s, a))) continue;
                a.CustomerId = survivor.Id;
                a.Position = position++;
            }
        }

        // Own phones and e-mails: one per number/address; the survivor's main stays main.
        foreach (var p in duplicate.Phones.Where(p => p.ReferentId is null).ToList())
        {
            if (survivor.Phones.Any(s => s.ReferentId is null && s.E164 == p.E164)) continue;
            p.IsMain = p.IsMain && !survivor.Phones.Any(s => s.ReferentId is null);
            p.CustomerId = survivor.Id;
        }
        foreach (var e in duplicate.Emails.Where(e => e.ReferentId is null).ToList())
        {
            if (survivor.Emails.Any(s => s.ReferentId is null && s.Address == e.Address)) continue;
            e.IsMain = e.IsMain && !survivor.Emails.Any(s => s.ReferentId is null);
            e.CustomerId = survivor.Id;
        }
        // Referents move with their own phones and e-mails; sites and consents (history) move whole.
        foreach (var r in duplicate.Referents.ToList())
        {
            r.CustomerId = survivor.Id;
            foreach (var p in duplicate.Phones.Where(p => p.ReferentId == r.Id).ToList()) p.CustomerId = survivor.Id;
            foreach (var e in duplicate.Emails.Where(e => e.ReferentId == r.Id).ToList()) e.CustomerId = survivor.Id;
        }
        foreach (var s in duplicate.Sites.ToList()) s.CustomerId = survivor.Id;
        foreach (var c in duplicate.Consents.ToList()) c.CustomerId = survivor.Id;

        // Characteristics: every row of history moves, except one the survivor already has (same date).
        var mine = await db.Set<CustomerCharacteristic>().Where(x => x.CustomerId == survivor.Id)
            .Select(x => new { x.CharacteristicId, x.Date }).ToListAsync(ct);
        var theirs = await db.Set<CustomerCharacteristic>().Where(x => x.CustomerId == duplicate.Id).ToListAsync(ct);
        foreach (var x in theirs.Where(x => !mine.Contains(new { x.CharacteristicId, x.Date })))
            x.CustomerId = survivor.Id;

        db.ChangeTracker.DetectChanges(); // moves the re-parented rows into the survivor's lists
        CustomerWriter.Derive(survivor);
        survivor.UpdatedAt = now;
        survivor.UpdatedBy = user;
        survivor.Version++;

        db.Add(new CustomerMerge
        {
            SurvivorId = survivor.Id,
            MergedId = duplicate.Id,
            MergedBy = user,
            MergedAt = now,
            Snapshot = JsonSerializer.Serialize(new { merged, survivorBefore = before, choices = resolved }, Json),
        });
        audit.Add(Audit.AuditActions.Merge, "customer", survivor.Id.ToString(), survivor.Id, details: $"unita {duplicate.DisplayName} ({duplicate.Id})");
        audit.Add(Audit.AuditActions.Merge, "customer", duplicate.Id.ToString(), duplicate.Id, details: $"unita in {survivor.DisplayName} ({survivor.Id})");
        await SaveAsync(ct);

        foreach (var step in steps)
            await step.MoveAsync(db, duplicate.Id, survivor.Id, ct);
    }

    async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyException("Una delle due anagrafiche è stata modificata nel frattempo: ricaricarle e ripetere l'unione.");
        }
    }

    Task<Customer?> LoadAsync(Guid id, CancellationToken ct) =>
        db.Set<Customer>()
            .Include(c => c.Addresses).Include(c => c.Phones).Include(c => c.Emails)
            .Include(c => c.Referents).Include(c => c.Sites).Include(c => c.Consents)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id, ct);

    static bool SameAddress(CustomerAddress a, CustomerAddress b) =>
        string.Equals(a.Street, b.Street, StringComparison.OrdinalIgnoreCase) && string.Equals(a.HouseNumber, b.HouseNumber, StringComparison.OrdinalIgnoreCase)
        && a.PostalCode == b.PostalCode && string.Equals(a.City, b.City, StringComparison.OrdinalIgnoreCase) && a.Country == b.Country;

    static Dictionary<string, object?> Snapshot(Customer c) => new()
    {
        ["id"] = c.Id, ["kind"] = EnumText.Wire(c.Kind), ["stage"] = EnumText.Wire(c.Stage), ["displayName"] = c.DisplayName,
        ["firstName"] = c.FirstName, ["lastName"] = c.LastName, ["companyName"] = c.CompanyName, ["legalForm"] = c.LegalForm,
        ["taxCode"] = c.TaxCode, ["vatNumber"] = c.VatNumber,
        ["documentType"] = c.DocumentType is { } dt ? EnumText.Wire(dt) : null, ["documentNumber"] = c.DocumentNumber,
        ["notes"] = c.Notes, ["externalId"] = c.ExternalId, ["city"] = c.City, ["province"] = c.Province,
        ["mainPhone"] = c.MainPhone, ["mainEmail"] = c.MainEmail, ["version"] = c.Version,
        ["createdAt"] = c.CreatedAt, ["createdBy"] = c.CreatedBy,
    };

    /// <summary>The merges a record took part in, as survivor or as the merged one, newest first.</summary>
    public async Task<List<CustomerMergeDto>> HistoryAsync(Guid customerId, CancellationToken ct = default)
    {
        if (!await db.Set<Customer>().IgnoreQueryFilters([SchedarioDb.SoftDeleteFilter]).AnyAsync(c => c.Id == customerId, ct))
            throw new NotFoundException("Anagrafica non trovata.");
        var rows = await db.Set<CustomerMerge>().AsNoTracking()
            .Where(m => m.SurvivorId == customerId || m.MergedId == customerId)
            .ToListAsync(ct);
        return rows.OrderByDescending(m => m.MergedAt).ThenByDescending(m => m.Id)
            .Select(m => new CustomerMergeDto(m.Id, m.SurvivorId, m.MergedId, m.MergedBy, m.MergedAt, JsonDocument.Parse(m.Snapshot).RootElement.Clone()))
            .ToList();
    }
}
