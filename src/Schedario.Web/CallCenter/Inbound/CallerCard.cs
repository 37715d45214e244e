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

    /// <summary>One query: the call, its service, the identified record's name, its owner for the service's portfolio type, the contact.</summary>
    public async Task<Summary?> SummaryAsync(long callId, string userId, CancellationToken ct = default)
    {
        using var system = AmbientAccess.As(null);
        var row = await (
            from c in db.TelephonyCalls().AsNoTracking()
            where c.Id == callId
            from s in db.InboundServices().Where(s => s.Id == c.ServiceId).DefaultIfEmpty()
            select new
            {
                c.Id, c.Direction, c.CallerNumber, c.CalledNumber, c.CustomerId, c.AnsweredAt,
                ServiceName = s == null ? null : s.Name,
                CustomerName = db.Set<Customer>().Where(x => x.Id == c.CustomerId).Select(x => x.DisplayName).FirstOrDefault(),
                Owner = (from o in db.Set<CustomerOwner>()
                         join j in db.Set<Subject>() on o.SubjectId equals j.Id
                         where o.CustomerId == c.CustomerId && s != null && o.PortfolioTypeId == s.PortfolioTypeId
                         select new { j.Name, j.UserId }).FirstOrDefault(),
                ContactId = db.InboundContacts().Where(x => x.TelephonyCallId == c.Id).Select(x => (long?)x.Id).FirstOrDefault(),
            }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var matches = row.CustomerId is not null ? 1 : row.CallerNumber is null ? 0 : (await IdentifyAsync(row.CallerNumber, ct)).Count;
        return new Summary(row.Id, row.Direction.ToString(), row.CallerNumber, row.CalledNumber, row.ServiceName, row.CustomerId, row.CustomerName, matches,
            row.Owner?.Name, row.Owner?.UserId == userId && userId != "", row.ContactId, row.AnsweredAt);
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
