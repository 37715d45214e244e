using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Inbound.Admin;

public sealed record InboundServiceOperatorDto(string UserId, string UserName, string DisplayName);

/// <summary>An inbound service on the wire; <c>number</c> is E.164.</summary>
public sealed record InboundServiceDto(int Id, string Code, string Name, string Number, int? PortfolioTypeId, string? PortfolioType,
    List<InboundServiceOperatorDto> Operators, int LastContacts, bool Active, int Version);

/// <summary>POST/PUT body. On PUT send the <c>version</c> you read (409 if it changed).</summary>
public sealed record InboundServiceInput(string? Code, string? Name, string? Number, int? PortfolioTypeId,
    List<string>? OperatorUserIds, int? LastContacts, bool? Active, int? Version);

/// <summary>A user who can be listed as an operator of a service.</summary>
public sealed record OperatorCandidateDto(string UserId, string UserName, string DisplayName);

/// <summary>The inbound services table: the number called → service, its portfolio type, its operators, N of last contacts.</summary>
public sealed class InboundServiceAdminService(SchedarioDb db, AuditLog audit, InboundServiceDirectory directory)
{
    public const int MaxLastContacts = 20;

    public async Task<List<InboundServiceDto>> ListAsync(bool includeInactive = true, CancellationToken ct = default)
    {
        var q = db.InboundServices().AsNoTracking().Include(s => s.Operators).AsQueryable();
        if (!includeInactive) q = q.Where(s => s.Active);
        var services = await q.OrderBy(s => s.Code).ToListAsync(ct);
        return await ToDtosAsync(services, ct);
    }

    public async Task<InboundServiceDto> GetAsync(int id, CancellationToken ct = default)
    {
        var s = await db.InboundServices().AsNoTracking().Include(x => x.Operators).FirstOrDefaultAsync(x => x.Id == id, ct)
                ?? throw new NotFoundException("Servizio inbound non trovato.");
        return (await ToDtosAsync([s], ct))[0];
    }

    /// <summary>Active users, for the operators multi-select.</summary>
    public Task<List<OperatorCandidateDto>> ListOperatorCandidatesAsync(CancellationToken ct = default) =>
        db.Users.AsNoTracking().Where(u => !u.Disabled).OrderBy(u => u.DisplayName).ThenBy(u => u.UserName)
            .Select(u => new OperatorCandidateDto(u.Id, u.UserName ?? "", u.DisplayName)).ToListAsync(ct);

    public async Task<InboundServiceDto> CreateAsync(InboundServiceInput input, CancellationToken ct = default)
    {
        var s = new InboundService();
        await ApplyAsync(s, input, ct);
        db.Add(s);
        audit.Add(AuditActions.Create, "inboundService", s.Code, details: Describe(s));
        await db.SaveChangesAsync(ct);
        return await GetAsync(s.Id, ct);
    }

    public async Task<InboundServiceDto> UpdateAsync(int id, InboundServiceInput input, CancellationToken ct = default)
    {
        var s = await db.InboundServices().Include(x => x.Operators).FirstOrDefaultAsync(x => x.Id == id, ct)
                ?? throw new NotFoundException("Servizio inbound non trovato.");
        if (input.Version is null) throw new ValidationException(new FieldErrors().Add("version", "Indicare la versione letta."));
        if (input.Version != s.Version) throw Stale();
        await ApplyAsync(s, input, ct);
        s.Version++;
        audit.Add(AuditActions.Update, "inboundService", s.Code, details: Describe(s));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw Stale(); }
        directory.Forget();
        return await GetAsync(id, ct);
    }

    /// <summary>Deletes a service no call has used yet; one with calls in the inbound log is deactivated instead (409).</summary>
    public async Task DeleteAsync(int id, int? version, CancellationToken ct = default)
    {
        var s = await db.InboundServices().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Servizio inbound non trovato.");
        if (version is not null && version != s.Version) throw Stale();
        if (await db.InboundContacts().AnyAsync(c => c.ServiceId == id, ct))
            throw new ConflictException("Il servizio ha già delle chiamate nel registro inbound: disattivarlo invece di eliminarlo.");
        db.Remove(s);
        audit.Add(AuditActions.Delete, "inboundService", s.Code, details: s.Name);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw Stale(); }
        directory.Forget();
    }

    static ConcurrencyException Stale() => new("Il servizio inbound è stato modificato da un altro utente: ricaricarlo.");

    static string Describe(InboundService s) =>
        $"{s.Name}; numero {s.Number}; portafoglio {s.PortfolioTypeId}; ultimi contatti {s.LastContacts}; operatori {s.Operators.Count}; {(s.Active ? "attivo" : "disattivo")}";

    async Task ApplyAsync(InboundService s, InboundServiceInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || code.Length > 30) errors.Add("code", "Codice obbligatorio, al massimo 30 caratteri.");
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 150) errors.Add("name", "Nome obbligatorio, al massimo 150 caratteri.");
        string? number = null;
        if (string.IsNullOrWhiteSpace(input.Number)) errors.Add("number", "Numero chiamato obbligatorio.");
        else if (!PhoneNormalizer.TryNormalize(input.Number, out var e164)) errors.Add("number", "Numero di telefono non valido.");
        else number = e164;
        if (input.PortfolioTypeId is { } pt && !await db.Set<PortfolioType>().AnyAsync(p => p.Id == pt, ct))
            errors.Add("portfolioTypeId", "Tipo portafoglio sconosciuto.");
        var lastContacts = input.LastContacts ?? 3;
        if (lastContacts is < 0 or > MaxLastContacts) errors.Add("lastContacts", $"Ultimi contatti: tra 0 e {MaxLastContacts}.");
        var operatorIds = (input.OperatorUserIds ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (operatorIds.Count > 0)
        {
            var active = await db.Users.Where(u => operatorIds.Contains(u.Id) && !u.Disabled).Select(u => u.Id).ToListAsync(ct);
            var bad = operatorIds.Except(active).ToList();
            if (bad.Count > 0) errors.Add("operatorUserIds", $"Utenti sconosciuti o disattivati: {string.Join(", ", bad)}.");
        }
        if (errors.Any) throw new ValidationException(errors);

        if (await db.InboundServices().AnyAsync(x => x.Code == code && x.Id != s.Id, ct))
            throw new ConflictException($"Esiste già un servizio inbound con codice '{code}'.", "code");
        if (await db.InboundServices().AnyAsync(x => x.Number == number && x.Id != s.Id, ct))
            throw new ConflictException($"Il numero {number} è già di un altro servizio inbound.", "number");

        s.Code = code!;
        s.Name = name!;
        s.Number = number!;
        s.PortfolioTypeId = input.PortfolioTypeId;
        s.LastContacts = lastContacts;
        s.Active = input.Active ?? true;
        s.Operators.RemoveAll(o => !operatorIds.Contains(o.UserId));
        foreach (var id in operatorIds.Where(id => s.Operators.All(o => o.UserId != id)))
            s.Operators.Add(new InboundServiceOperator { ServiceId = s.Id, UserId = id });
    }

    async Task<List<InboundServiceDto>> ToDtosAsync(List<InboundService> services, CancellationToken ct)
    {
        var userIds = services.SelectMany(s => s.Operators.Select(o => o.UserId)).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new InboundServiceOperatorDto(u.Id, u.UserName ?? "", u.DisplayName)).ToDictionaryAsync(u => u.UserId, ct);
        var typeIds = services.Where(s => s.PortfolioTypeId != null).Select(s => s.PortfolioTypeId!.Value).Distinct().ToList();
        var types = await db.Set<PortfolioType>().AsNoTracking().Where(p => typeIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return services.Select(s => new InboundServiceDto(s.Id, s.Code, s.Name, s.Number, s.PortfolioTypeId,
            s.PortfolioTypeId is { } t ? types.GetValueOrDefault(t) : null,
            s.Operators.Select(o => users.GetValueOrDefault(o.UserId) ?? new InboundServiceOperatorDto(o.UserId, o.UserId, o.UserId))
                .OrderBy(o => o.DisplayName).ToList(),
            s.LastContacts, s.Active, s.Version)).ToList();
    }
}
