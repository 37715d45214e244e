using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Registry;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>
/// Who is calling, read for the phone bar while the call rings: the identified record, how many
/// records share the number, and the record's owner for the inbound service's portfolio type, so the
/// operator sees at once whether it is one of their customers (seed 003). Identification searches
/// the service's whole scope, not the operator's own visibility: the offered call is the grant.
/// </summary>
public sealed class CallerCard(SchedarioDb db)
{
    public sealed record Summary(long CallId, string Direction, string? CallerNumber, string? CalledNumber, string? ServiceName,
        Guid? CustomerId, string? CustomerName, int Matches, string? OwnerName, bool OwnerIsMe, long? InboundContactId, DateTime? AnsweredAt);

    public sealed record Owner(string Name, string? UserId);

    public async Task<Summary?> SummaryAsync(long callId, string userId, CancellationToken ct = default)
    {
        var call = await db.TelephonyCalls().AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId, ct);
        if (call is null) return null;
        var service = call.ServiceId is { } sid ? await db.InboundServices().AsNoTracking().Where(s => s.Id == sid).Select(s => new { s.Name, s.PortfolioTypeId }).FirstOrDefaultAsync(ct) : null;
        using var system = AmbientAccess.As(null);
        string? name = null;
        var matches = 0;
        if (call.CustomerId is { } cid)
        {
            name = await db.Set<Customer>().Where(c => c.Id == cid).Select(c => c.DisplayName).FirstOrDefaultAsync(ct);
            matches = 1;
        }
        else if (call.CallerNumber is not null) matches = (await IdentifyAsync(call.CallerNumber, ct)).Count;
        var owner = call.CustomerId is { } id ? await OwnerAsync(id, service?.PortfolioTypeId, ct) : null;
        var contactId = await db.InboundContacts().Where(c => c.TelephonyCallId == callId).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        return new Summary(call.Id, call.Direction.ToString(), call.CallerNumber, call.CalledNumber, service?.Name, call.CustomerId, name, matches,
            owner?.Name, owner?.UserId == userId && userId != "", contactId, call.AnsweredAt);
    }

    /// <summary>The records (not referents' duplicates) whose phones carry this E.164 number, in the whole registry.</summary>
    public async Task<List<LookupMatch>> IdentifyAsync(string e164, CancellationToken ct = default)
    {
        using var system = AmbientAccess.As(null);
        var rows = await (
                from p in db.Set<CustomerPhone>().AsNoTracking()
                join c in db.Set<Customer>().AsNoTracking() on p.CustomerId equals c.Id
                where p.E164 == e164
                orderby p.ReferentId != null, c.SearchName
                select new LookupMatch(c.Id, c.DisplayName, p.E164, p.ReferentId))
            .Take(50).ToListAsync(ct);
        return rows.DistinctBy(r => r.CustomerId).ToList();
    }

    /// <summary>The subject owning the record for a portfolio type (null: no type or no owner).</summary>
    public async Task<Owner?> OwnerAsync(Guid customerId, int? portfolioTypeId, CancellationToken ct = default)
    {
        if (portfolioTypeId is null) return null;
        return await (from o in db.Set<CustomerOwner>()
                      join s in db.Set<Subject>() on o.SubjectId equals s.Id
                      where o.CustomerId == customerId && o.PortfolioTypeId == portfolioTypeId
                      select new Owner(s.Name, s.UserId)).FirstOrDefaultAsync(ct);
    }
}
