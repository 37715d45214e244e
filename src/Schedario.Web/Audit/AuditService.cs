using System.Text;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

namespace Schedario.Web.Audit;

public sealed record AuditEntryDto(long Id, DateTime At, string UserName, string? Address, string Action, string EntityType, string? EntityId,
    Guid? CustomerId, string? Field, string? OldValue, string? NewValue, string? Details);

public sealed record AuditPage(List<AuditEntryDto> Items, string? NextCursor);

public sealed record AuditQuery(string? User, Guid? CustomerId, string? Action, DateTime? From, DateTime? To);

/// <summary>Reads the trail: the administrators' search and a record's own history. Nothing here writes.</summary>
public sealed class AuditService(SchedarioDb db)
{
    public const int MaxPageSize = 200;

    public async Task<AuditPage> SearchAsync(AuditQuery query, string? cursor, int limit, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (query.Action is not null && !AuditActions.All.Contains(query.Action))
            errors.Add("action", $"Azione sconosciuta: '{query.Action}' ({string.Join(", ", AuditActions.All)}).");
        if (query.From is not null && query.To is not null && query.From > query.To) errors.Add("to", "La data finale precede quella iniziale.");
        long? before = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, out var c) && c > 0) before = c;
            else errors.Add("cursor", "Cursore non valido.");
        }
        if (errors.Any) throw new ValidationException(errors);
        limit = Math.Clamp(limit <= 0 ? 50 : limit, 1, MaxPageSize);

        var q = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.User)) q = q.Where(a => a.UserName == query.User.Trim());
        if (query.CustomerId is not null) q = q.Where(a => a.CustomerId == query.CustomerId);
        if (query.Action is not null) q = q.Where(a => a.Action == query.Action);
        if (query.From is not null) q = q.Where(a => a.At >= query.From.Value.ToUniversalTime());
        if (query.To is not null) q = q.Where(a => a.At <= query.To.Value.ToUniversalTime());
        if (before is not null) q = q.Where(a => a.Id < before);
        // Newest first by id: ids grow with time and the key is unique, so the cursor is simply the last id.
        var rows = await q.OrderByDescending(a => a.Id).Take(limit + 1).Select(a => ToDto(a)).ToListAsync(ct);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = rows[^1].Id.ToString();
        }
        return new AuditPage(rows, next);
    }

    /// <summary>The history of one record the user may read (404 otherwise, like the record itself).</summary>
    public async Task<AuditPage> HistoryAsync(Guid customerId, string? cursor, int limit, CancellationToken ct = default)
    {
        if (!await db.Set<Customer>().IgnoreQueryFilters([SchedarioDb.SoftDeleteFilter]).AnyAsync(c => c.Id == customerId, ct))
            throw new NotFoundException("Anagrafica non trovata.");
        return await SearchAsync(new AuditQuery(null, customerId, null, null, null), cursor, limit, ct);
    }

    static AuditEntryDto ToDto(AuditEntry a) =>
        new(a.Id, a.At, a.UserName, a.Address, a.Action, a.EntityType, a.EntityId, a.CustomerId, a.Field, a.OldValue, a.NewValue, a.Details);
}
