using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Inbound.Admin;

/// <summary>
/// One closing code. <c>kind</c> is outcome, action, group or groupDetail; a group detail names its
/// <c>groupId</c>; an outcome with <c>resolves</c> false leaves the request pending.
/// </summary>
public sealed record InboundCodeDto(int Id, string Kind, string Code, string Description, int? GroupId, bool Resolves, bool Active, int Position);

/// <summary>POST/PUT body. The kind is fixed once created; <c>resolves</c> counts for outcomes only.</summary>
public sealed record InboundCodeInput(string? Kind, string? Code, string? Description, int? GroupId, bool? Resolves, bool? Active, int? Position);

/// <summary>The active codes the inbound screen offers when closing a call, by kind (group details carry their group id).</summary>
public sealed record InboundClosingCodes(List<InboundCodeDto> Outcomes, List<InboundCodeDto> Actions, List<InboundCodeDto> Groups, List<InboundCodeDto> GroupDetails)
{
    /// <summary>The active details of one group, for the dependent Group → Group detail select.</summary>
    public IEnumerable<InboundCodeDto> DetailsOf(int? groupId) => GroupDetails.Where(d => d.GroupId == groupId);
}

/// <summary>The administrator's closing tables (seed 003: stato, azione, gruppo, gruppo dettaglio). Codes are never deleted: they are deactivated.</summary>
public sealed class InboundCodeService(SchedarioDb db, AuditLog audit)
{
    public static string KindName(InboundCodeKind k) => char.ToLowerInvariant(k.ToString()[0]) + k.ToString()[1..];

    public static bool TryParseKind(string? text, out InboundCodeKind kind)
    {
        kind = default;
        return !string.IsNullOrWhiteSpace(text) && !text.Trim().All(char.IsDigit) && Enum.TryParse(text.Trim(), ignoreCase: true, out kind);
    }

    static FieldErrors KindError(string field = "kind") => new FieldErrors().Add(field, "Tipo sconosciuto: usare outcome, action, group o groupDetail.");

    /// <summary>The codes of one kind (or all, when <paramref name="kind"/> is empty), in their order.</summary>
    public async Task<List<InboundCodeDto>> ListAsync(string? kind = null, bool includeInactive = true, CancellationToken ct = default)
    {
        var q = db.InboundCodes().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(kind))
        {
            if (!TryParseKind(kind, out var k)) throw new ValidationException(KindError());
            q = q.Where(c => c.Kind == k);
        }
        if (!includeInactive) q = q.Where(c => c.Active);
        return (await q.OrderBy(c => c.Position).ThenBy(c => c.Code).ToListAsync(ct)).OrderBy(c => c.Kind).Select(ToDto).ToList();
    }

    /// <summary>
    /// What closing an inbound call may choose: active outcomes, actions, groups, and the active
    /// details of active groups.
    /// </summary>
    public async Task<InboundClosingCodes> ListForClosingAsync(CancellationToken ct = default)
    {
        var all = await ListAsync(null, includeInactive: false, ct);
        var groups = all.Where(c => c.Kind == KindName(InboundCodeKind.Group)).ToList();
        var groupIds = groups.Select(g => g.Id).ToHashSet();
        return new InboundClosingCodes(
            all.Where(c => c.Kind == KindName(InboundCodeKind.Outcome)).ToList(),
            all.Where(c => c.Kind == KindName(InboundCodeKind.Action)).ToList(),
            groups,
            all.Where(c => c.Kind == KindName(InboundCodeKind.GroupDetail) && c.GroupId is { } g && groupIds.Contains(g)).ToList());
    }

    public async Task<InboundCodeDto> GetAsync(int id, CancellationToken ct = default) =>
        ToDto(await db.InboundCodes().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Codice inbound non trovato."));

    public async Task<InboundCodeDto> CreateAsync(InboundCodeInput input, CancellationToken ct = default)
    {
        if (!TryParseKind(input.Kind, out var kind)) throw new ValidationException(KindError());
        var code = new InboundCode { Kind = kind };
        await ApplyAsync(code, input, ct);
        if (input.Position is null)
            code.Position = (await db.InboundCodes().Where(c => c.Kind == kind).MaxAsync(c => (int?)c.Position, ct) ?? 0) + 1;
        db.Add(code);
        audit.Add(AuditActions.Create, "inboundCode", $"{KindName(kind)}:{code.Code}", details: code.Description);
        await db.SaveChangesAsync(ct);
        return ToDto(code);
    }

    /// <summary>Edits a code; <c>active: false</c> retires it (calls already closed with it keep it).</summary>
    public async Task<InboundCodeDto> UpdateAsync(int id, InboundCodeInput input, CancellationToken ct = default)
    {
        var code = await db.InboundCodes().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Codice inbound non trovato.");
        if (input.Kind is not null && (!TryParseKind(input.Kind, out var kind) || kind != code.Kind))
            throw new ValidationException(new FieldErrors().Add("kind", "Il tipo di un codice non si cambia: crearne uno nuovo."));
        await ApplyAsync(code, input, ct);
        audit.Add(AuditActions.Update, "inboundCode", $"{KindName(code.Kind)}:{code.Code}", details: $"{code.Description}; {(code.Active ? "attivo" : "disattivo")}");
        await db.SaveChangesAsync(ct);
        return ToDto(code);
    }

    async Task ApplyAsync(InboundCode code, InboundCodeInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var text = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(text) || text.Length > 30) errors.Add("code", "Codice obbligatorio, al massimo 30 caratteri.");
        var description = input.Description?.Trim();
        if (string.IsNullOrEmpty(description) || description.Length > 200) errors.Add("description", "Descrizione obbligatoria, al massimo 200 caratteri.");
        int? groupId = null;
        if (code.Kind == InboundCodeKind.GroupDetail)
        {
            if (input.GroupId is not { } g || !await db.InboundCodes().AnyAsync(c => c.Id == g && c.Kind == InboundCodeKind.Group, ct))
                errors.Add("groupId", "Un dettaglio deve indicare un gruppo esistente.");
            else groupId = g;
        }
        else if (input.GroupId is not null) errors.Add("groupId", "Solo un dettaglio appartiene a un gruppo.");
        if (input.Position is < 0 or > 100_000) errors.Add("position", "Posizione tra 0 e 100000.");
        if (errors.Any) throw new ValidationException(errors);
        if (await db.InboundCodes().AnyAsync(c => c.Kind == code.Kind && c.Code == text && c.Id != code.Id, ct))
            throw new ConflictException($"Esiste già un codice '{text}' di questo tipo.", "code");

        code.Code = text!;
        code.Description = description!;
        code.GroupId = groupId;
        // Only an outcome decides whether the request is resolved; the other kinds keep the default.
        code.Resolves = code.Kind != InboundCodeKind.Outcome || (input.Resolves ?? true);
        code.Active = input.Active ?? true;
        if (input.Position is { } p) code.Position = p;
    }

    static InboundCodeDto ToDto(InboundCode c) => new(c.Id, KindName(c.Kind), c.Code, c.Description, c.GroupId, c.Resolves, c.Active, c.Position);
}
