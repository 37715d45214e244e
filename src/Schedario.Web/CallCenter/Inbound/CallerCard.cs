using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Registry;
using Schedario.Web.Settings;
using Schedario.Web.Campaigns;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>
/// Who is calling, read for the phone bar while the call rings: the identified record, how many
/// records share the number, and the record's owner for the inbound service's portfolio type, so the
/// operator sees at once whether it is one of their customers (seed 003). Identification searches
/// the service's whole scope, not the operator's own visibility: the offered call is the grant.
/// </summary>
public sealed class CallerCard(SchedarioDb db, SettingsService settings)
{
    public sealed record Summary(long CallId, string Direction, string? CallerNumber, string? CalledNumber, string? ServiceName,
        Guid? CustomerId, string? CustomerName, int Matches, string? OwnerName, bool OwnerIsMe, long? InboundContactId, DateTime? AnsweredAt, int? LastContacts);

    public sealed record BarRow(PhoneBar.OperatorPresence Presence, Summary? Call);

    public sealed record Owner(string Name, string? UserId);

    /// <summary>
    /// The phone bar in one query: the operator's presence and, when a call is on, the call, its
    /// service, the identified record's name, its owner for the service's portfolio type and the contact.
    /// </summary>
    public async Task<BarRow?> BarAsync(string userId, CancellationToken ct = default)
    {
        using var system = AmbientAccess.As(null);
        var row = await (
            from p in db.Set<PhoneBar.OperatorPresence>().AsNoTracking()
            where p.UserId == userId
            from c in db.TelephonyCalls().Where(c => c.Id == p.CurrentCallId).DefaultIfEmpty()
            from s in db.InboundServices().Where(s => c != null && s.Id == c.ServiceId).DefaultIfEmpty()
            select new
            {
                Presence = p,
                CallId = c == null ? (long?)null : c.Id, Direction = c == null ? (CallDirection?)null : c.Direction,
                CallerNumber = c == null ? null : c.CallerNumber, CalledNumber = c == null ? null : c.CalledNumber,
                CustomerId = c == null ? null : c.CustomerId, AnsweredAt = c == null ? null : c.AnsweredAt,
                ServiceName = s == null ? null : s.Name, LastContacts = s == null ? (int?)null : s.LastContacts,
                CustomerName = db.Set<Customer>().Where(x => c != null && x.Id == c.CustomerId).Select(x => x.DisplayName).FirstOrDefault(),
                Owner = (from o in db.Set<CustomerOwner>()
                         join j in db.Set<Subject>() on o.SubjectId equals j.Id
                         where c != null && o.CustomerId == c.CustomerId && s != null && o.PortfolioTypeId == s.PortfolioTypeId
                         select new { j.Name, j.UserId }).FirstOrDefault(),
                ContactId = db.InboundContacts().Where(x => c != null && x.TelephonyCallId == c.Id).Select(x => (long?)x.Id).FirstOrDefault(),
            }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        if (row.CallId is not { } callId) return new BarRow(row.Presence, null);
        var matches = row.CustomerId is not null ? 1 : row.CallerNumber is null ? 0 : (await IdentifyAsync(row.CallerNumber, ct)).Count;
        return new BarRow(row.Presence, new Summary(callId, row.Direction!.Value.ToString(), row.CallerNumber, row.CalledNumber, row.ServiceName, row.CustomerId,
            row.CustomerName, matches, row.Owner?.Name, row.Owner?.UserId == userId && userId != "", row.ContactId, row.AnsweredAt, row.LastContacts));
    }

    /// <summary>
    /// The screen pop: while the call rings, the operator it is offered to sees the identified record,
    /// its characteristics and its last N inbound + N outbound contacts (seed 003: "immediatamente
    /// visibili"), before answering. Takes the bar just read for its own operator: that read is the
    /// check that the call is offered to them, and the offer is the grant.
    /// </summary>
    public async Task<CallerPopDto?> PopAsync(PhoneBar.PhoneBarDto bar, CancellationToken ct = default)
    {
        if (bar is not { State: "Ringing", CustomerId: { } customerId }) return null;
        using var system = AmbientAccess.As(null);
        var n = bar.LastContacts ?? await settings.GetIntAsync(SettingCodes.LastContacts, ct);
        var record = await RecordAsync(customerId, ct);
        return record is null ? null : new CallerPopDto(record, await LastInboundAsync(customerId, null, n, ct), await LastOutboundAsync(customerId, n, ct), n);
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

    /// <summary>What the call screen needs of the record, in one query (the card's full read takes eight).</summary>
    public async Task<CallerRecordDto?> RecordAsync(Guid id, CancellationToken ct = default)
    {
        var c = await db.Set<Customer>().AsNoTracking().Where(x => x.Id == id)
            .Select(x => new
            {
                x.Id, x.Kind, x.DisplayName, x.TaxCode, x.VatNumber, x.City, x.Province, x.Notes, x.DocumentType, x.DocumentNumber,
                Phones = x.Phones.Where(p => p.ReferentId == null).OrderByDescending(p => p.IsMain).Select(p => new { p.Type, p.Number, p.E164, p.IsMain }).ToList(),
                Emails = x.Emails.Where(e => e.ReferentId == null).OrderByDescending(e => e.IsMain).Select(e => new EmailDto(e.Address, e.IsMain)).ToList(),
                Characteristics = x.Characteristics.Select(ch => new CustomerService.CharacteristicRow(ch.Id, ch.CharacteristicId, ch.Characteristic!.Code,
                    ch.Characteristic.Description, ch.Characteristic.Category, ch.Date, ch.Note, ch.RecordedAt)).ToList(),
            }).AsSingleQuery().FirstOrDefaultAsync(ct);
        if (c is null) return null;
        return new CallerRecordDto(c.Id, EnumText.Wire(c.Kind), c.DisplayName, c.TaxCode, c.VatNumber, c.City, c.Province, c.Notes,
            c.DocumentType is { } dt ? EnumText.Wire(dt) : null, c.DocumentNumber,
            c.Phones.Select(p => new PhoneDto(EnumText.Wire(p.Type), p.Number, p.E164, p.IsMain)).ToList(), c.Emails,
            CustomerService.InForce(c.Characteristics));
    }


    /// <summary>Seed 003: the last N inbound contacts.</summary>
    public async Task<List<ContactLine>> LastInboundAsync(Guid customerId, long? exceptId, int n, CancellationToken ct = default) =>
        n <= 0 ? [] : await (from c in db.InboundContacts().AsNoTracking()
                             where c.CustomerId == customerId && c.Id != exceptId
                             orderby c.StartedAt descending, c.Id descending
                             select new ContactLine("inbound", c.StartedAt,
                                 db.InboundServices().Where(s => s.Id == c.ServiceId).Select(s => s.Name).FirstOrDefault(), c.OperatorName,
                                 db.InboundCodes().Where(k => k.Id == c.OutcomeId).Select(k => k.Description).FirstOrDefault(), c.Notes, c.DurationSeconds,
                                 c.Status.ToString())).Take(n).ToListAsync(ct);

    /// <summary>
    /// Seed 003: the last N calls of the record's outbound campaigns; for a campaign with no calls,
    /// the name's state there and who has it in charge.
    /// </summary>
    public async Task<List<ContactLine>> LastOutboundAsync(Guid customerId, int n, CancellationToken ct = default)
    {
        if (n <= 0) return [];
        var calls = await (from c in db.Calls().AsNoTracking()
                           join k in db.Campaigns() on c.CampaignId equals k.Id
                           where c.CustomerId == customerId
                           orderby c.StartedAt descending, c.Id descending
                           select new ContactLine("outbound", c.StartedAt, k.Code + " " + k.Name, c.OperatorName, c.OutcomeCode, c.Note, c.DurationSeconds, null))
            .Take(n).ToListAsync(ct);
        if (calls.Count >= n) return calls;
        var uncalled = await (from e in db.CampaignEntries().AsNoTracking()
                              join k in db.Campaigns() on e.CampaignId equals k.Id
                              where e.CustomerId == customerId && !db.Calls().Any(c => c.EntryId == e.Id)
                              orderby k.StartDate descending
                              select new ContactLine("campaign", null, k.Code + " " + k.Name,
                                  db.Users.Where(u => u.Id == (e.LeaseHolder ?? e.AssignedUserId)).Select(u => u.DisplayName).FirstOrDefault(),
                                  null, null, null, e.State.ToString()))
            .Take(n - calls.Count).ToListAsync(ct);
        return [.. calls, .. uncalled.Select(u => u with { EntryState = CampaignService.StateName(Enum.Parse<EntryState>(u.EntryState!)) })];
    }
}
