using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

namespace Schedario.Web.Access;

/// <summary>
/// Checks the actions beyond reading. Reading is the query filter's job (an unreadable record is
/// simply not found: 404, so its existence does not leak); a readable record the user may not
/// edit, delete, export or mass-update answers 403 with the reason.
/// </summary>
public sealed class RecordGuard(SchedarioDb db)
{
    public static AccessProfile? Profile => AmbientAccess.Current;

    public async Task EnsureAsync(RecordAction action, Guid customerId, CancellationToken ct = default)
    {
        if (!await db.Set<Customer>().AnyAsync(c => c.Id == customerId, ct))
            throw new NotFoundException("Anagrafica non trovata.");
        if (Profile is not { } p) return;
        var level = p.LevelFor(action);
        if (level == VisibilityLevel.All) return;
        if (!await db.Set<Customer>().Where(c => c.Id == customerId).Where(db.Reach(p, level)).AnyAsync(ct))
            throw new AccessDeniedException(Denied(action));
    }

    /// <summary>Narrows a query of records to those the action may touch (exports, bulk changes).</summary>
    public IQueryable<Customer> Within(IQueryable<Customer> query, RecordAction action)
    {
        if (Profile is not { } p) return query;
        var level = p.LevelFor(action);
        if (level == VisibilityLevel.None) throw new AccessDeniedException(Denied(action));
        return level == VisibilityLevel.All ? query : query.Where(db.Reach(p, level));
    }

    public static void EnsureMayExport()
    {
        if (Profile is { } p && p.LevelFor(RecordAction.Export) == VisibilityLevel.None)
            throw new AccessDeniedException(Denied(RecordAction.Export));
    }

    public static string Denied(RecordAction action) => action switch
    {
        RecordAction.Edit => "Il tuo ruolo non consente di modificare questa anagrafica.",
        RecordAction.Delete => "Il tuo ruolo non consente di eliminare questa anagrafica.",
        RecordAction.Export => "Il tuo ruolo non consente di esportare queste anagrafiche.",
        RecordAction.MassUpdate => "Il tuo ruolo non consente modifiche massive su queste anagrafiche.",
        _ => "Operazione non consentita.",
    };
}
