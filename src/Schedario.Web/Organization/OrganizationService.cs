using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

namespace Schedario.Web.Organization;

public sealed record AgencyDto(int Id, string Code, string Name, bool Active);
public sealed record AgencyInput(string? Code, string? Name, bool? Active);
public sealed record SubjectDto(int Id, string Kind, string Name, string? UserId, string? UserName, int? AgencyId, bool Active);
public sealed record SubjectInput(string? Kind, string? Name, string? UserId, int? AgencyId, bool? Active);
public sealed record PortfolioTypeDto(int Id, string Code, string Name, bool Active);
public sealed record PortfolioTypeInput(string? Code, string? Name, bool? Active);
public sealed record OwnerDto(int PortfolioTypeId, string PortfolioType, int SubjectId, string Subject, DateTime AssignedAt, string AssignedBy);
/// <summary>The subjects of one record: owner per portfolio type, referrer, agency.</summary>
public sealed record RecordSubjectsDto(List<OwnerDto> Owners, int? ReferrerId, string? Referrer, int? AgencyId, string? Agency);
public sealed record OwnerInput(int? PortfolioTypeId, int? SubjectId);
/// <summary>PUT body: the owners listed replace the record's owners; referrer and agency are set as given.</summary>
public sealed record RecordSubjectsInput(List<OwnerInput>? Owners, int? ReferrerId, int? AgencyId);
/// <summary>Bulk assignment from the list: one owner (and/or agency) for many records.</summary>
public sealed record BulkAssignInput(List<Guid>? CustomerIds, int? PortfolioTypeId, int? SubjectId, int? AgencyId);
public sealed record BulkAssignResult(int Updated);

/// <summary>Agencies, subjects, portfolio types, and who owns which record.</summary>
public sealed class OrganizationService(SchedarioDb db, RecordGuard guard, AccessProfiles profiles, AuditLog audit, TimeProvider clock)
{
    public Task<List<AgencyDto>> ListAgenciesAsync(CancellationToken ct = default) =>
        db.Set<Agency>().AsNoTracking().OrderBy(a => a.Name).Select(a => new AgencyDto(a.Id, a.Code, a.Name, a.Active)).ToListAsync(ct);

    public async Task<AgencyDto> SaveAgencyAsync(int? id, AgencyInput input, CancellationToken ct = default)
    {
        var (code, name) = CodeAndName(input.Code, input.Name, 200);
        var agency = id is null ? new Agency() : await db.Set<Agency>().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Agenzia non trovata.");
        if (await db.Set<Agency>().AnyAsync(a => a.Code == code && a.Id != agency.Id, ct)) throw new ConflictException($"L'agenzia '{code}' esiste già.", "code");
        agency.Code = code;
        agency.Name = name;
        agency.Active = input.Active ?? true;
        if (id is null) db.Add(agency);
        audit.Add(id is null ? AuditActions.Create : AuditActions.Update, "agency", agency.Code, details: agency.Name);
        await db.SaveChangesAsync(ct);
        profiles.Forget();
        return new AgencyDto(agency.Id, agency.Code, agency.Name, agency.Active);
    }

    public Task<List<SubjectDto>> ListSubjectsAsync(string? kind = null, int? agencyId = null, CancellationToken ct = default)
    {
        var query = db.Set<Subject>().AsNoTracking();
        if (Enum.TryParse<SubjectKind>(kind, true, out var k)) query = query.Where(s => s.Kind == k);
        if (agencyId is not null) query = query.Where(s => s.AgencyId == agencyId);
        return (from s in query
                join u in db.Users on s.UserId equals u.Id into users
                from u in users.DefaultIfEmpty()
                orderby s.Name
                select new SubjectDto(s.Id, s.Kind.ToString().ToLowerInvariant(), s.Name, s.UserId, u.UserName, s.AgencyId, s.Active)).ToListAsync(ct);
    }

    public async Task<SubjectDto> SaveSubjectAsync(int? id, SubjectInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (!Enum.TryParse<SubjectKind>(input.Kind, true, out var kind) || input.Kind!.All(char.IsDigit))
            errors.Add("kind", "Tipo di soggetto sconosciuto: usare agent, operator o referrer.");
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200) errors.Add("name", "Nome obbligatorio, al massimo 200 caratteri.");
        if (input.AgencyId is not null && !await db.Set<Agency>().AnyAsync(a => a.Id == input.AgencyId, ct)) errors.Add("agencyId", "Agenzia sconosciuta.");
        var userId = string.IsNullOrWhiteSpace(input.UserId) ? null : input.UserId.Trim();
        if (userId is not null && !await db.Users.AnyAsync(u => u.Id == userId, ct)) errors.Add("userId", "Utente sconosciuto.");
        if (errors.Any) throw new ValidationException(errors);
        var subject = id is null ? new Subject() : await db.Set<Subject>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Soggetto non trovato.");
        if (userId is not null && await db.Set<Subject>().AnyAsync(s => s.UserId == userId && s.Id != subject.Id, ct))
            throw new ConflictException("L'utente è già collegato a un altro soggetto.", "userId");
        subject.Kind = kind;
        subject.Name = input.Name!.Trim();
        subject.UserId = userId;
        subject.AgencyId = input.AgencyId;
        subject.Active = input.Active ?? true;
        if (id is null) db.Add(subject);
        audit.Add(id is null ? AuditActions.Create : AuditActions.Update, "subject", subject.Name, details: $"{kind}; agenzia {input.AgencyId}; utente {userId}");
        await db.SaveChangesAsync(ct);
        profiles.Forget();
        return (await ListSubjectsAsync(ct: ct)).First(s => s.Id == subject.Id);
    }

    public Task<List<PortfolioTypeDto>> ListPortfolioTypesAsync(CancellationToken ct = default) =>
        db.Set<PortfolioType>().AsNoTracking().OrderBy(p => p.Name).Select(p => new PortfolioTypeDto(p.Id, p.Code, p.Name, p.Active)).ToListAsync(ct);

    public async Task<PortfolioTypeDto> SavePortfolioTypeAsync(int? id, PortfolioTypeInput input, CancellationToken ct = default)
    {
        var (code, name) = CodeAndName(input.Code, input.Name, 100);
        var type = id is null ? new PortfolioType() : await db.Set<PortfolioType>().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Tipo portafoglio non trovato.");
        if (await db.Set<PortfolioType>().AnyAsync(p => p.Code == code && p.Id != type.Id, ct)) throw new ConflictException($"Il tipo portafoglio '{code}' esiste già.", "code");
        type.Code = code;
        type.Name = name;
        type.Active = input.Active ?? true;
        if (id is null) db.Add(type);
        audit.Add(id is null ? AuditActions.Create : AuditActions.Update, "portfolioType", type.Code, details: type.Name);
        await db.SaveChangesAsync(ct);
        return new PortfolioTypeDto(type.Id, type.Code, type.Name, type.Active);
    }

    /// <summary>Agencies and portfolio types: an upper-case code of at most 30 characters and a name.</summary>
    static (string Code, string Name) CodeAndName(string? code, string? name, int nameMax)
    {
        var errors = new FieldErrors();
        var c = code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(c) || c.Length > 30) errors.Add("code", "Codice obbligatorio, al massimo 30 caratteri.");
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > nameMax) errors.Add("name", $"Nome obbligatorio, al massimo {nameMax} caratteri.");
        if (errors.Any) throw new ValidationException(errors);
        return (c!, name!.Trim());
    }

    public async Task<RecordSubjectsDto> GetRecordSubjectsAsync(Guid customerId, CancellationToken ct = default)
    {
        var c = await db.Set<Customer>().AsNoTracking().Where(x => x.Id == customerId)
            .Select(x => new { x.ReferrerId, x.AgencyId }).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Anagrafica non trovata.");
        var owners = await (from o in db.Set<CustomerOwner>().AsNoTracking()
                            join p in db.Set<PortfolioType>() on o.PortfolioTypeId equals p.Id
                            join s in db.Set<Subject>() on o.SubjectId equals s.Id
                            where o.CustomerId == customerId
                            orderby p.Name
                            select new OwnerDto(p.Id, p.Name, s.Id, s.Name, o.AssignedAt, o.AssignedBy)).ToListAsync(ct);
        var referrer = c.ReferrerId is null ? null : await db.Set<Subject>().Where(s => s.Id == c.ReferrerId).Select(s => s.Name).FirstOrDefaultAsync(ct);
        var agency = c.AgencyId is null ? null : await db.Set<Agency>().Where(a => a.Id == c.AgencyId).Select(a => a.Name).FirstOrDefaultAsync(ct);
        return new RecordSubjectsDto(owners, c.ReferrerId, referrer, c.AgencyId, agency);
    }

    public async Task<RecordSubjectsDto> SetRecordSubjectsAsync(Guid customerId, RecordSubjectsInput input, string user, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Edit, customerId, ct);
        var errors = new FieldErrors();
        var owners = input.Owners ?? [];
        for (var i = 0; i < owners.Count; i++)
        {
            if (owners[i].PortfolioTypeId is not { } pt || !await db.Set<PortfolioType>().AnyAsync(p => p.Id == pt, ct))
                errors.Add($"owners[{i}].portfolioTypeId", "Tipo portafoglio sconosciuto.");
            if (owners[i].SubjectId is not { } sid || !await db.Set<Subject>().AnyAsync(s => s.Id == sid && s.Kind != SubjectKind.Referrer, ct))
                errors.Add($"owners[{i}].subjectId", "Soggetto sconosciuto (un proprietario è un agente o un operatore).");
        }
        foreach (var dup in owners.Select((o, i) => (o, i)).GroupBy(x => x.o.PortfolioTypeId).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)))
            errors.Add($"owners[{dup.i}].portfolioTypeId", "Un solo proprietario per tipo portafoglio.");
        if (input.ReferrerId is not null && !await db.Set<Subject>().AnyAsync(s => s.Id == input.ReferrerId && s.Kind == SubjectKind.Referrer, ct))
            errors.Add("referrerId", "Segnalatore sconosciuto.");
        if (input.AgencyId is not null && !await db.Set<Agency>().AnyAsync(a => a.Id == input.AgencyId, ct))
            errors.Add("agencyId", "Agenzia sconosciuta.");
        if (errors.Any) throw new ValidationException(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var customer = await db.Set<Customer>().FirstAsync(c => c.Id == customerId, ct);
        var current = await db.Set<CustomerOwner>().Where(o => o.CustomerId == customerId).ToListAsync(ct);
        foreach (var gone in current.Where(o => owners.All(n => n.PortfolioTypeId != o.PortfolioTypeId)))
        {
            db.Remove(gone);   // the audit interceptor records every owner change
        }
        foreach (var o in owners)
        {
            var existing = current.FirstOrDefault(c => c.PortfolioTypeId == o.PortfolioTypeId);
            if (existing is null)
                db.Add(new CustomerOwner { CustomerId = customerId, PortfolioTypeId = o.PortfolioTypeId!.Value, SubjectId = o.SubjectId!.Value, AssignedAt = now, AssignedBy = user });
            else if (existing.SubjectId != o.SubjectId)
            {
                existing.SubjectId = o.SubjectId!.Value;
                existing.AssignedAt = now;
                existing.AssignedBy = user;
            }
        }
        customer.ReferrerId = input.ReferrerId;
        customer.AgencyId = input.AgencyId;
        customer.UpdatedAt = now;
        customer.UpdatedBy = user;
        customer.Version++;
        await db.SaveChangesAsync(ct);
        return await GetRecordSubjectsAsync(customerId, ct);
    }

    /// <summary>
    /// Sets one owner (and/or the agency) on many records at once, from the list's selection.
    /// Only records the user may mass-update count; the rest are left alone and not reported.
    /// </summary>
    public async Task<BulkAssignResult> BulkAssignAsync(BulkAssignInput input, string user, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var ids = input.CustomerIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0) errors.Add("customerIds", "Selezionare almeno un'anagrafica.");
        else if (ids.Count > 10_000) errors.Add("customerIds", "Al massimo 10.000 anagrafiche per volta.");
        if (input.SubjectId is null && input.AgencyId is null) errors.Add("subjectId", "Indicare il soggetto o l'agenzia da assegnare.");
        if (input.SubjectId is not null)
        {
            if (input.PortfolioTypeId is null || !await db.Set<PortfolioType>().AnyAsync(p => p.Id == input.PortfolioTypeId, ct))
                errors.Add("portfolioTypeId", "Tipo portafoglio sconosciuto.");
            if (!await db.Set<Subject>().AnyAsync(s => s.Id == input.SubjectId && s.Kind != SubjectKind.Referrer, ct))
                errors.Add("subjectId", "Soggetto sconosciuto (un proprietario è un agente o un operatore).");
        }
        if (input.AgencyId is not null && !await db.Set<Agency>().AnyAsync(a => a.Id == input.AgencyId, ct))
            errors.Add("agencyId", "Agenzia sconosciuta.");
        if (errors.Any) throw new ValidationException(errors);

        var allowed = new List<Guid>();
        foreach (var chunk in ids.Chunk(500))
            allowed.AddRange(await guard.Within(db.Set<Customer>(), RecordAction.MassUpdate).Where(c => chunk.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct));
        if (allowed.Count == 0) return new BulkAssignResult(0);

        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var chunk in allowed.Chunk(500))
            {
                if (input.SubjectId is { } subjectId)
                {
                    var pt = input.PortfolioTypeId!.Value;
                    await db.Set<CustomerOwner>().Where(o => o.PortfolioTypeId == pt && chunk.Contains(o.CustomerId)).ExecuteDeleteAsync(ct);
                    db.AddRange(chunk.Select(id => new CustomerOwner { CustomerId = id, PortfolioTypeId = pt, SubjectId = subjectId, AssignedAt = now, AssignedBy = user }));
                }
                if (input.AgencyId is { } agencyId)
                    await db.Set<Customer>().Where(c => chunk.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.AgencyId, agencyId), ct);
            }
            audit.Add(AuditActions.MassUpdate, "customer", null, details:
                $"{allowed.Count} anagrafiche: proprietario {input.SubjectId} (portafoglio {input.PortfolioTypeId}), agenzia {input.AgencyId}");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        return new BulkAssignResult(allowed.Count);
    }
}
