using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>
/// Called number → inbound service, read for every ringing call. The table is tiny and rarely
/// changes, so this node keeps what it found for a few seconds (only hits: a new service is found
/// at once); an edit on this node forgets at once, one on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class InboundServiceDirectory(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public sealed record Entry(int Id, string Name, int? PortfolioTypeId);

    readonly ConcurrentDictionary<string, (Entry Entry, DateTime Until)> byNumber = new();

    public async Task<Entry?> FindAsync(SchedarioDb db, string? number, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(number)) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (byNumber.TryGetValue(number, out var hit) && hit.Until > now) return hit.Entry;
        var found = await db.InboundServices().AsNoTracking().Where(s => s.Number == number && s.Active)
            .Select(s => new Entry(s.Id, s.Name, s.PortfolioTypeId)).FirstOrDefaultAsync(ct);
        if (found is not null) byNumber[number] = (found, now + Lifetime);
        return found;
    }

    public void Forget() => byNumber.Clear();
}
