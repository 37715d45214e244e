using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Settings;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>
/// The operator's side of an inbound call (seed 003): accept or reject the offered call, the
/// inbound screen, identification of the caller, the closing form and the inbound log. Accepting
/// grants the operator the caller's record for that call, whatever their own visibility: the grant
/// is audited and lasts while the contact is open.
/// </summary>
public sealed class InboundDesk(SchedarioDb db, TimeProvider clock, ICallCenterBus bus, ITelephonyGateway gateway, CallerCard callers,
    CustomerService customers, SettingsService settings, AuditLog audit, InboundRouter router, ILogger<InboundDesk> log, Compliance.DoNotCallService doNotCall)
{
    public const string AuditAccept = "inbound-accept";
    public const string AuditIdentify = "inbound-identify";
    public const string AuditClose = "inbound-close";
    public const string AuditEntryChange = "inbound-entry-change";
    public const string AuditFollowUp = "inbound-follow-up";

    /// <summary>Accepts the call ringing on the operator's bar; returns the new inbound contact's id.</summary>
    public async Task<long> AcceptAsync(string userId, string userName, CancellationToken ct = default)
    {
        var p = await db.OperatorPresence().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is not { State: OperatorState.Ringing, CurrentCallId: { } callId })
            throw new RuleException("Nessuna chiamata in arrivo da accettare.", "no-call-ringing");
        var call = await db.TelephonyCalls().AsNoTracking().FirstAsync(c => c.Id == callId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (call.State == TelephonyCallState.Ended)
        {
            await router.OnCallChangedAsync(call, TelephonyEventKind.HungUp, ct);
            throw new RuleException("Il chiamante ha già riagganciato.", "caller-hung-up");
        }
        var taken = await db.OperatorPresence().Where(x => x.UserId == userId && x.State == OperatorState.Ringing && x.CurrentCallId == callId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, OperatorState.OnCall).SetProperty(x => x.StateSince, now).SetProperty(x => x.Version, x => x.Version + 1), ct);
        if (taken == 0) throw new RuleException("La chiamata non è più offerta a te (tempo scaduto o già passata a un collega).", "offer-expired");

        var contact = new InboundContact
        {
            TelephonyCallId = callId, ServiceId = call.ServiceId, CustomerId = call.CustomerId, CallerNumber = call.CallerNumber,
            OperatorUserId = userId, OperatorName = userName, StartedAt = now, Status = InboundContactStatus.Open,
        };
        db.Add(contact);
        // One save for the contact and its audit line (the call's id names it: the contact's is not known before the insert).
        audit.Add(AuditAccept, "telephony-call", callId.ToString(), call.CustomerId,
            details: $"Chiamata da {call.CallerNumber} accettata: accesso alla scheda concesso per la durata del contatto");
        await db.SaveChangesAsync(ct);
        try { await gateway.AnswerAsync(call.ExternalId, p.Extension ?? userName, ct); }
        catch (Exception e) { log.LogError(e, "The PBX could not connect call {CallId} to {Extension}", callId, p.Extension); }
        await bus.PublishAsync(BusTopics.User(userId), "", ct);
        return contact.Id;
    }

    /// <summary>Rejects the offered call: it goes to the next operator; this one stays ready, last in line.</summary>
    public async Task RejectAsync(string userId, CancellationToken ct = default)
    {
        var p = await db.OperatorPresence().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is not { State: OperatorState.Ringing, CurrentCallId: { } callId })
            throw new RuleException("Nessuna chiamata in arrivo da rifiutare.", "no-call-ringing");
        var now = clock.GetUtcNow().UtcDateTime;
        await db.OperatorPresence().Where(x => x.UserId == userId && x.State == OperatorState.Ringing && x.CurrentCallId == callId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, OperatorState.Ready).SetProperty(x => x.StateSince, now).SetProperty(x => x.IdleSince, now)
                .SetProperty(x => x.CurrentCallId, (long?)null).SetProperty(x => x.Version, x => x.Version + 1), ct);
        await db.TelephonyCalls().Where(c => c.Id == callId && c.OperatorUserId == userId && c.State == TelephonyCallState.Ringing)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.OperatorUserId, (string?)null).SetProperty(c => c.Version, c => c.Version + 1), ct);
        await bus.PublishAsync(BusTopics.User(userId), "", ct);
        await router.OfferAsync(callId, ct);
    }

    /// <summary>Hangs up the operator's current call.</summary>
    public async Task HangUpAsync(string userId, CancellationToken ct = default)
    {
        var p = await db.OperatorPresence().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is not { State: OperatorState.OnCall, CurrentCallId: { } callId })
            throw new RuleException("Nessuna chiamata in corso.", "no-call");
        var external = await db.TelephonyCalls().Where(c => c.Id == callId).Select(c => c.ExternalId).FirstAsync(ct);
        await gateway.HangUpAsync(external, ct);
    }

    /// <summary>Dials a number from the operator's extension (the phone bar's "componi").</summary>
    public async Task<string> DialAsync(string userId, DialInput input, CancellationToken ct = default)
    {
        if (!PhoneNormalizer.TryNormalize(input.Number, out var e164))
            throw new ValidationException(new FieldErrors().Add("number", $"Numero di telefono non valido: '{input.Number}'."));
        var p = await db.OperatorPresence().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (p is null || p.BarOpenUntil <= now) throw new RuleException("Aprire la barra telefonica per chiamare.", "bar-closed");
        if (p.State is OperatorState.Ringing or OperatorState.OnCall) throw new RuleException("C'è già una chiamata in corso.", "on-call");
        return await gateway.PlaceCallAsync(new PlaceCallRequest(p.Extension ?? p.UserName, e164, Reference: "bar:" + userId), ct);
    }

    /// <summary>
    /// The contact, loaded for its operator (while open: the grant) or a supervisor. Returns the
    /// tracked contact and whether reading the caller's record must bypass the user's visibility.
    /// </summary>
    async Task<(InboundContact Contact, bool Granted)> ContactForAsync(long contactId, bool tracked, CancellationToken ct)
    {
        var q = tracked ? db.InboundContacts() : db.InboundContacts().AsNoTracking();
        var contact = await q.FirstOrDefaultAsync(c => c.Id == contactId, ct) ?? throw new NotFoundException("Contatto inbound non trovato.");
        var me = AmbientAccess.Current;
        var mine = me is null || contact.OperatorUserId == me.UserId;
        var manager = me is null || me.Roles.Any(r => r is Identity.Roles.Administrator or Identity.Roles.Supervisor);
        if (!mine && !manager) throw new NotFoundException("Contatto inbound non trovato.");
        return (contact, mine && contact.Status == InboundContactStatus.Open);
    }

    public async Task<InboundScreenDto> ScreenAsync(long contactId, CancellationToken ct = default)
    {
        var (contact, granted) = await ContactForAsync(contactId, tracked: false, ct);
        var head = await (from c in db.InboundContacts().AsNoTracking()
                          where c.Id == contactId
                          from s in db.InboundServices().Where(s => s.Id == c.ServiceId).DefaultIfEmpty()
                          from t in db.TelephonyCalls().Where(t => t.Id == c.TelephonyCallId).DefaultIfEmpty()
                          select new
                          {
                              ServiceId = s == null ? (int?)null : s.Id, ServiceName = s == null ? null : s.Name,
                              PortfolioTypeId = s == null ? null : s.PortfolioTypeId, LastContacts = s == null ? (int?)null : s.LastContacts,
                              CallId = t == null ? (long?)null : t.Id, CallState = t == null ? (TelephonyCallState?)null : t.State,
                          }).FirstAsync(ct);
        var n = head.LastContacts ?? await settings.GetIntAsync(SettingCodes.LastContacts, ct);
        var me = AmbientAccess.Current?.UserId ?? "";

        CallerRecordDto? customer = null;
        List<LookupMatch> matches = [];
        CallerCard.Owner? owner = null;
        List<ContactLine> inbound = [], outbound = [];
        List<OutboundEntryLine> entries = [];
        var showsOutbound = await settings.GetBoolAsync(SettingCodes.InboundShowsOutbound, ct);
        using (granted ? AmbientAccess.As(null) : null)
        {
            if (contact.CustomerId is { } cid) customer = await callers.RecordAsync(cid, ct);
            if (customer is null && contact.CallerNumber is not null && PhoneNormalizer.TryNormalize(contact.CallerNumber, out var e164))
                matches = granted ? await callers.IdentifyAsync(e164, ct) : (await customers.LookupAsync(e164, ct)).Matches.DistinctBy(m => m.CustomerId).ToList();
            if (customer is not null)
            {
                owner = await callers.OwnerAsync(customer.Id, head.PortfolioTypeId, ct);
                inbound = await callers.LastInboundAsync(customer.Id, contact.Id, n, ct);
                outbound = await callers.LastOutboundAsync(customer.Id, n, ct);
                if (showsOutbound) entries = await OutboundEntriesAsync(customer.Id, ct);
            }
        }
        return new InboundScreenDto(contact.Id, Status(contact.Status), head.CallId, head.CallState?.ToString(), contact.CallerNumber, contact.StartedAt, contact.EndedAt,
            contact.DurationSeconds, head.ServiceId, head.ServiceName, contact.OperatorName, customer, matches, owner?.Name, owner?.UserId == me && me != "",
            inbound, outbound, n, showsOutbound, entries,
            new InboundClosingDto(contact.OutcomeId, contact.ActionId, contact.GroupId, contact.GroupDetailId, contact.ContactName, contact.Consent,
                contact.DocumentType is { } d ? Camel(d.ToString()) : null, contact.DocumentNumber, contact.Notes, contact.ClosedAt, contact.ResolvedAt, contact.ResolvedBy),
            contact.Version, granted);
    }

    static string Status(InboundContactStatus s) => Camel(s.ToString());
    static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>CI0036: the caller's entries in campaigns still running, which the operator may close or move.</summary>
    async Task<List<OutboundEntryLine>> OutboundEntriesAsync(Guid customerId, CancellationToken ct)
    {
        var rows = await (from e in db.CampaignEntries().AsNoTracking()
                          join k in db.Campaigns() on e.CampaignId equals k.Id
                          where e.CustomerId == customerId && e.State != EntryState.Merged
                          orderby k.Retired, k.StartDate descending
                          select new
                          {
                              e.Id, k.Code, k.Name, CampaignId = k.Id, e.State, e.NextCallAt, k.Retired, e.Version,
                              Outcome = db.Outcomes().Where(o => o.Id == e.LastOutcomeId).Select(o => o.Code).FirstOrDefault(),
                              AssignedTo = db.Users.Where(u => u.Id == (e.LeaseHolder ?? e.AssignedUserId)).Select(u => u.DisplayName).FirstOrDefault(),
                          }).ToListAsync(ct);
        return rows.Select(r => new OutboundEntryLine(r.Id, r.CampaignId, r.Code, r.Name, CampaignService.StateName(r.State), r.Outcome, r.NextCallAt, r.AssignedTo, r.Retired, r.Version)).ToList();
    }

    /// <summary>Dynamic search from the screen: while the call's grant lasts it searches the whole registry (seed 003).</summary>
    public async Task<List<CustomerSummary>> SearchAsync(long contactId, string? text, CancellationToken ct = default)
    {
        var (_, granted) = await ContactForAsync(contactId, tracked: false, ct);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length < 2) return [];
        using (granted ? AmbientAccess.As(null) : null)
            return await customers.SearchAsync(text.Trim(), 15, ct);
    }

    /// <summary>Sets (or changes) the caller's record: chosen among the number's matches, found by a search, or just created.</summary>
    public async Task<InboundScreenDto> IdentifyAsync(long contactId, IdentifyInput input, CancellationToken ct = default)
    {
        if (input.CustomerId is not { } customerId) throw new ValidationException(new FieldErrors().Add("customerId", "Indicare la scheda del chiamante."));
        var (contact, granted) = await ContactForAsync(contactId, tracked: true, ct);
        if (contact.Status != InboundContactStatus.Open) throw new RuleException("Il contatto è già chiuso.", "contact-closed");
        using (granted ? AmbientAccess.As(null) : null)
            if (!await db.Set<Customer>().AnyAsync(c => c.Id == customerId, ct))
                throw new ValidationException(new FieldErrors().Add("customerId", "Scheda non trovata."));
        contact.CustomerId = customerId;
        contact.Version++;
        if (contact.TelephonyCallId is { } tid)
            await db.TelephonyCalls().Where(c => c.Id == tid).ExecuteUpdateAsync(u => u.SetProperty(c => c.CustomerId, customerId), ct);
        audit.Add(AuditIdentify, "inbound-contact", contact.Id.ToString(), customerId, details: "Chiamante identificato durante la chiamata inbound");
        await db.SaveChangesAsync(ct);
        await bus.PublishAsync(BusTopics.User(contact.OperatorUserId), "", ct);
        return await ScreenAsync(contactId, ct);
    }

    /// <summary>
    /// Closes the contact with seed 003's data (all required). The outcome decides whether the
    /// request is resolved or stays pending in the inbound log. With CI0036 the caller's campaign
    /// entries can be closed or moved in the same save. A call still on is hung up; the operator
    /// goes back to ready for the next call.
    /// </summary>
    public async Task<InboundScreenDto> CloseAsync(long contactId, InboundCloseInput input, string userId, string userName, CancellationToken ct = default)
    {
        var (contact, _) = await ContactForAsync(contactId, tracked: true, ct);
        if (contact.Status != InboundContactStatus.Open) throw new RuleException("Il contatto è già stato chiuso.", "contact-closed");
        if (input.Version is { } v && v != contact.Version) throw new ConcurrencyException("Il contatto è stato modificato nel frattempo: ricaricare la scheda.");
        var codes = await db.InboundCodes().AsNoTracking().Where(c => c.Active).ToListAsync(ct);
        var errors = new FieldErrors();
        InboundCode? Code(int? id, InboundCodeKind kind, string field, string what)
        {
            if (id is null) { errors.Add(field, $"Indicare {what}."); return null; }
            var c = codes.FirstOrDefault(x => x.Id == id && x.Kind == kind);
            if (c is null) errors.Add(field, $"Valore non valido per {what}.");
            return c;
        }
        var outcome = Code(input.OutcomeId, InboundCodeKind.Outcome, "outcomeId", "lo stato della telefonata");
        Code(input.ActionId, InboundCodeKind.Action, "actionId", "l'azione");
        var group = Code(input.GroupId, InboundCodeKind.Group, "groupId", "il gruppo");
        var detail = Code(input.GroupDetailId, InboundCodeKind.GroupDetail, "groupDetailId", "il dettaglio del gruppo");
        if (group is not null && detail is not null && detail.GroupId != group.Id)
            errors.Add("groupDetailId", $"Il dettaglio {detail.Code} non appartiene al gruppo {group.Code}.");
        var name = input.ContactName?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("contactName", "Indicare nome e cognome del chiamante.");
        else if (name.Length > 200) errors.Add("contactName", "Al massimo 200 caratteri.");
        if (input.Consent is null) errors.Add("consent", "Indicare se il chiamante dà il consenso informativo.");
        IdentityDocumentType? docType = null;
        if (string.IsNullOrWhiteSpace(input.DocumentType)) errors.Add("documentType", "Indicare il tipo di documento.");
        else if (Enum.TryParse<IdentityDocumentType>(input.DocumentType, true, out var dt) && Enum.IsDefined(dt)) docType = dt;
        else errors.Add("documentType", "Tipo di documento non valido: identityCard, passport, drivingLicence o other.");
        var docNumber = input.DocumentNumber?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(docNumber)) errors.Add("documentNumber", "Indicare il numero del documento.");
        else if (docNumber.Length > 40) errors.Add("documentNumber", "Al massimo 40 caratteri.");
        var notes = input.Notes?.Trim();
        if (string.IsNullOrEmpty(notes)) errors.Add("notes", "Scrivere le note della telefonata.");
        else if (notes.Length > 4000) errors.Add("notes", "Al massimo 4000 caratteri.");

        var now = clock.GetUtcNow().UtcDateTime;
        var changes = input.OutboundChanges ?? [];
        var entryUpdates = new List<(CampaignEntry Entry, Outcome Outcome, Campaign Campaign, DateTime? CallbackAt)>();
        if (changes.Count > 0)
        {
            if (!await settings.GetBoolAsync(SettingCodes.InboundShowsOutbound, ct))
                errors.Add("outboundChanges", "La situazione outbound in chiusura è disattivata (parametro CI0036).");
            else if (contact.CustomerId is null)
                errors.Add("outboundChanges", "Identificare il chiamante prima di modificare le sue campagne.");
            else
            {
                var outcomes = await db.Outcomes().AsNoTracking().Where(o => o.Active).ToListAsync(ct);
                for (var i = 0; i < changes.Count; i++)
                {
                    var ch = changes[i];
                    var entry = await db.CampaignEntries().FirstOrDefaultAsync(e => e.Id == ch.EntryId && e.CustomerId == contact.CustomerId, ct);
                    var o = outcomes.FirstOrDefault(x => x.Code == ch.OutcomeCode?.Trim().ToUpperInvariant());
                    if (entry is null) { errors.Add($"outboundChanges[{i}].entryId", "Il nominativo non è del chiamante."); continue; }
                    if (o is null) { errors.Add($"outboundChanges[{i}].outcomeCode", $"Esito sconosciuto: '{ch.OutcomeCode}'."); continue; }
                    if (o.ContactPromise) { errors.Add($"outboundChanges[{i}].outcomeCode", "La promessa contatto si registra dal desk outbound."); continue; }
                    if (o.Category == OutcomeCategory.Callback && (ch.CallbackAt is null || ch.CallbackAt.Value.ToUniversalTime() <= now))
                    { errors.Add($"outboundChanges[{i}].callbackAt", "Il richiamo richiede data e ora future."); continue; }
                    if (entry.LeaseHolder is not null && entry.LeaseHolder != userId && entry.LeaseUntil > now)
                    { errors.Add($"outboundChanges[{i}].entryId", "Il nominativo è in lavorazione da un altro operatore."); continue; }
                    var campaign = await db.Campaigns().AsNoTracking().FirstAsync(c => c.Id == entry.CampaignId, ct);
                    entryUpdates.Add((entry, o, campaign, ch.CallbackAt?.ToUniversalTime()));
                }
            }
        }
        if (errors.Any) throw new ValidationException(errors);

        contact.OutcomeId = input.OutcomeId;
        contact.ActionId = input.ActionId;
        contact.GroupId = input.GroupId;
        contact.GroupDetailId = input.GroupDetailId;
        contact.ContactName = name;
        contact.Consent = input.Consent;
        contact.DocumentType = docType;
        contact.DocumentNumber = docNumber;
        contact.Notes = notes;
        contact.ClosedAt = now;
        contact.Status = outcome!.Resolves ? InboundContactStatus.Resolved : InboundContactStatus.Pending;
        if (contact.Status == InboundContactStatus.Resolved) { contact.ResolvedAt = now; contact.ResolvedBy = userName; }
        contact.Version++;
        foreach (var (entry, o, campaign, callbackAt) in entryUpdates)
        {
            var before = entry.State;
            EntryOutcomes.Apply(entry, o, campaign, now, callbackAt, o.Category == OutcomeCategory.Callback ? userId : null);
            entry.LeaseHolder = null;
            entry.LeaseUntil = null;
            entry.Version++;
            audit.Add(AuditEntryChange, "campaign-entry", entry.Id.ToString(), entry.CustomerId, "state",
                before.ToString(), entry.State.ToString(), details: $"Da contatto inbound {contact.Id}: esito {o.Code}");
        }
        // The caller asked not to be called (a do-not-call outcome on one of their campaign names): their
        // numbers go on the do-not-call list in the same save, as on the outbound desk.
        if (contact.CustomerId is { } optOutOf && entryUpdates.FirstOrDefault(u => u.Outcome.Category == OutcomeCategory.DoNotCall) is { Outcome: { } dnc })
        {
            var numbers = await db.Set<CustomerPhone>().Where(p => p.CustomerId == optOutOf && p.ReferentId == null).Select(p => (string?)p.E164).ToListAsync(ct);
            numbers.Add(await db.Set<Customer>().IgnoreQueryFilters().Where(c => c.Id == optOutOf).Select(c => c.MainPhone).FirstOrDefaultAsync(ct));
            await doNotCall.StageOptOutAsync(numbers, optOutOf, userName, $"Esito {dnc.Code} da contatto inbound {contact.Id}", ct);
        }
        audit.Add(AuditClose, "inbound-contact", contact.Id.ToString(), contact.CustomerId, details: $"Stato {outcome.Code}, {Status(contact.Status)}");
        using (var gate = await SqliteWriteGate.EnterAsync(db, ct))
        {
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new ConcurrencyException("Il contatto o un nominativo è stato modificato nel frattempo: ricaricare la scheda."); }
        }

        // The call may still be on (closing during the call): hang it up; then the operator is ready again.
        if (contact.TelephonyCallId is { } callId)
        {
            var call = await db.TelephonyCalls().AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId, ct);
            if (call is not null && call.State != TelephonyCallState.Ended)
                try { await gateway.HangUpAsync(call.ExternalId, ct); } catch (Exception e) { log.LogWarning(e, "Hang-up of call {CallId} at closing failed", callId); }
            await db.OperatorPresence().Where(p => p.UserId == contact.OperatorUserId && p.CurrentCallId == callId
                                                   && (p.State == OperatorState.WrapUp || p.State == OperatorState.OnCall))
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.State, OperatorState.Ready).SetProperty(p => p.StateSince, now).SetProperty(p => p.IdleSince, now)
                    .SetProperty(p => p.CurrentCallId, (long?)null).SetProperty(p => p.Version, p => p.Version + 1), ct);
        }
        await bus.PublishAsync(BusTopics.User(contact.OperatorUserId), "", ct);
        await router.OfferWaitingAsync(ct);
        return await ScreenAsync(contactId, ct);
    }

    /// <summary>The inbound log: pending or resolved requests (or all), newest first; operators see their own, supervisors everyone's.</summary>
    public async Task<InboundLogPage> LogAsync(string? status, long? cursor, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, 200);
        var q = db.InboundContacts().AsNoTracking().AsQueryable();
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<InboundContactStatus>(status, true, out var s))
                throw new ValidationException(new FieldErrors().Add("status", "Usare open, pending o resolved."));
            q = q.Where(c => c.Status == s);
        }
        var me = AmbientAccess.Current;
        if (me is not null && !me.Roles.Any(r => r is Identity.Roles.Administrator or Identity.Roles.Supervisor))
            q = q.Where(c => c.OperatorUserId == me.UserId);
        if (cursor is { } after) q = q.Where(c => c.Id < after);
        var rows = await q.OrderByDescending(c => c.Id).Take(limit + 1)
            .Select(c => new InboundLogRow(c.Id, c.Status.ToString(), c.StartedAt, c.DurationSeconds, c.CallerNumber, c.CustomerId, c.ContactName,
                db.InboundServices().Where(s => s.Id == c.ServiceId).Select(s => s.Name).FirstOrDefault(), c.OperatorName,
                db.InboundCodes().Where(k => k.Id == c.OutcomeId).Select(k => k.Description).FirstOrDefault(),
                db.InboundCodes().Where(k => k.Id == c.ActionId).Select(k => k.Description).FirstOrDefault(),
                db.InboundCodes().Where(k => k.Id == c.GroupId).Select(k => k.Description).FirstOrDefault(),
                db.InboundCodes().Where(k => k.Id == c.GroupDetailId).Select(k => k.Description).FirstOrDefault(),
                c.Notes, db.InboundFollowUps().Count(f => f.ContactId == c.Id), c.ResolvedAt))
            .ToListAsync(ct);
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(limit);
        return new InboundLogPage(rows.Select(r => r with { Status = Camel(r.Status) }).ToList(), more ? rows[^1].Id : null);
    }

    public async Task<List<FollowUpDto>> FollowUpsAsync(long contactId, CancellationToken ct = default)
    {
        await ContactForAsync(contactId, tracked: false, ct);
        return await db.InboundFollowUps().AsNoTracking().Where(f => f.ContactId == contactId).OrderBy(f => f.At).ThenBy(f => f.Id)
            .Select(f => new FollowUpDto(f.Id, f.At, f.UserName, f.Note, f.Resolved)).ToListAsync(ct);
    }

    /// <summary>Follows up a pending request: a note, and optionally resolving it.</summary>
    public async Task<FollowUpDto> FollowUpAsync(long contactId, FollowUpInput input, string userId, string userName, CancellationToken ct = default)
    {
        var note = input.Note?.Trim();
        if (string.IsNullOrEmpty(note)) throw new ValidationException(new FieldErrors().Add("note", "Scrivere cosa è stato fatto."));
        if (note.Length > 2000) throw new ValidationException(new FieldErrors().Add("note", "Al massimo 2000 caratteri."));
        var (contact, _) = await ContactForAsync(contactId, tracked: true, ct);
        if (contact.Status != InboundContactStatus.Pending)
            throw new RuleException(contact.Status == InboundContactStatus.Open ? "Chiudere prima la chiamata." : "La richiesta è già risolta.", "not-pending");
        var now = clock.GetUtcNow().UtcDateTime;
        var f = new InboundFollowUp { ContactId = contactId, At = now, UserId = userId, UserName = userName, Note = note, Resolved = input.Resolve };
        db.Add(f);
        if (input.Resolve)
        {
            contact.Status = InboundContactStatus.Resolved;
            contact.ResolvedAt = now;
            contact.ResolvedBy = userName;
            contact.Version++;
        }
        audit.Add(AuditFollowUp, "inbound-contact", contact.Id.ToString(), contact.CustomerId, details: input.Resolve ? "Richiesta risolta" : "Seguito registrato");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConcurrencyException("La richiesta è stata aggiornata nel frattempo: ricaricare."); }
        return new FollowUpDto(f.Id, f.At, f.UserName, f.Note, f.Resolved);
    }
}
