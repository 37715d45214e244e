using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Mail;

public sealed record MailTemplateDto(int Id, string Code, string Name, string Subject, string Body, bool Active, int Version);

/// <summary>POST/PUT body; on PUT send the <c>version</c> you read (409 if it changed).</summary>
public sealed record MailTemplateInput(string? Code, string? Name, string? Subject, string? Body, bool? Active, int? Version);

/// <summary>Mail templates with merge fields (see <see cref="MailMerge"/>).</summary>
public sealed class MailTemplateService(SchedarioDb db, AuditLog audit)
{
    public async Task<List<MailTemplateDto>> ListAsync(bool includeInactive = true, CancellationToken ct = default)
    {
        var q = db.MailTemplates().AsNoTracking();
        if (!includeInactive) q = q.Where(t => t.Active);
        return (await q.OrderBy(t => t.Name).ToListAsync(ct)).Select(ToDto).ToList();
    }

    public async Task<MailTemplateDto> GetAsync(int id, CancellationToken ct = default) =>
        ToDto(await db.MailTemplates().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Modello di mail non trovato."));

    public async Task<MailTemplateDto> CreateAsync(MailTemplateInput input, CancellationToken ct = default)
    {
        var t = new MailTemplate();
        await ApplyAsync(t, input, ct);
        db.Add(t);
        audit.Add(AuditActions.Create, "mailTemplate", t.Code, details: t.Name);
        await db.SaveChangesAsync(ct);
        return ToDto(t);
    }

    public async Task<MailTemplateDto> UpdateAsync(int id, MailTemplateInput input, CancellationToken ct = default)
    {
        var t = await db.MailTemplates().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Modello di mail non trovato.");
        if (input.Version is null) throw new ValidationException(new FieldErrors().Add("version", "Indicare la versione letta."));
        if (input.Version != t.Version) throw Stale();
        await ApplyAsync(t, input, ct);
        t.Version++;
        audit.Add(AuditActions.Update, "mailTemplate", t.Code, details: $"{t.Name}; {(t.Active ? "attivo" : "disattivo")}");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw Stale(); }
        return ToDto(t);
    }

    static ConcurrencyException Stale() => new("Il modello è stato modificato da un altro utente: ricaricarlo.");

    /// <summary>Subject and body may use only the merge fields; each unknown one is named in the error.</summary>
    public static void CheckFields(FieldErrors errors, string? subject, string? body)
    {
        foreach (var (field, text) in new[] { ("subject", subject), ("body", body) })
        {
            var unknown = MailMerge.UnknownFields(text);
            if (unknown.Count > 0)
                errors.Add(field, $"Campi sconosciuti: {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}. Campi disponibili: {string.Join(", ", MailMerge.Fields.Keys.Select(k => "{{" + k + "}}"))}.");
        }
    }

    async Task ApplyAsync(MailTemplate t, MailTemplateInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || code.Length > 30) errors.Add("code", "Codice obbligatorio, al massimo 30 caratteri.");
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 150) errors.Add("name", "Nome obbligatorio, al massimo 150 caratteri.");
        var subject = input.Subject?.Trim();
        if (string.IsNullOrEmpty(subject) || subject.Length > 300) errors.Add("subject", "Oggetto obbligatorio, al massimo 300 caratteri.");
        else if (subject.Contains('\n') || subject.Contains('\r')) errors.Add("subject", "L'oggetto sta su una riga.");
        if (string.IsNullOrWhiteSpace(input.Body) || input.Body.Length > 20000) errors.Add("body", "Testo obbligatorio, al massimo 20000 caratteri.");
        CheckFields(errors, subject, input.Body);
        if (errors.Any) throw new ValidationException(errors);
        if (await db.MailTemplates().AnyAsync(x => x.Code == code && x.Id != t.Id, ct))
            throw new ConflictException($"Esiste già un modello con codice '{code}'.", "code");
        t.Code = code!;
        t.Name = name!;
        t.Subject = subject!;
        t.Body = input.Body!.Replace("\r\n", "\n");
        t.Active = input.Active ?? true;
    }

    internal static MailTemplateDto ToDto(MailTemplate t) => new(t.Id, t.Code, t.Name, t.Subject, t.Body, t.Active, t.Version);
}
