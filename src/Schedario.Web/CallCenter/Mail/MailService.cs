using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Settings;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Mail;

/// <summary>What to send: a template, and/or a subject and body typed (or edited) by the operator, which win over the template's.</summary>
public sealed record MailRequest(int? TemplateId, string? Subject = null, string? Body = null);

/// <summary>The API's body for <c>POST /customers/{id}/mail</c>.</summary>
public sealed record MailSendInput(int? TemplateId, string? Subject, string? Body, long? InboundContactId);

/// <summary>To: the record's main address; Cc: every other address of the record.</summary>
public sealed record MailRecipients(string? To, List<string> Cc)
{
    /// <summary>
    /// The record's own addresses (not its referents'): the main one (else <paramref name="mainEmail"/>,
    /// else the first) in To, every other one in Cc, each once whatever its case (seed 003).
    /// </summary>
    public static MailRecipients From(IEnumerable<(string Address, bool IsMain)> emails, string? mainEmail)
    {
        var list = emails.Select(e => (Address: e.Address.Trim(), e.IsMain)).Where(e => e.Address.Length > 0).ToList();
        var to = list.FirstOrDefault(e => e.IsMain).Address;
        if (string.IsNullOrEmpty(to)) to = string.IsNullOrWhiteSpace(mainEmail) ? list.FirstOrDefault().Address : mainEmail.Trim();
        if (string.IsNullOrEmpty(to)) return new MailRecipients(null, []);
        var cc = list.Select(e => e.Address).Where(a => !string.Equals(a, to, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new MailRecipients(to, cc);
    }
}

/// <summary>What the send dialog shows before sending: recipients and the merged text.</summary>
public sealed record MailPreview(string? To, List<string> Cc, string Subject, string Body);

public sealed record MailMessageDto(long Id, Guid CustomerId, long? InboundContactId, int? TemplateId, string To, List<string> Cc,
    string Subject, string Body, DateTime SentAt, string SentBy, string Status, string? Error);

/// <summary>The SMTP server refused or could not be reached; the attempt is logged as Failed (<see cref="Message"/>).</summary>
public sealed class MailDeliveryException(MailMessageDto logged, string error) : Exception(error)
{
    public MailMessageDto Logged { get; } = logged;
}

/// <summary>
/// Sends mail to a registry record through MailKit with the SMTP settings (SMTPHOST, SMTPPORT,
/// SMTPSECURITY, SMTPUSER, MAILFROM, MAILFROMNAME; password from configuration <c>Mail:Password</c>),
/// and logs every attempt in <c>mail_messages</c> (a contact of the record) and in the audit trail.
/// </summary>
public sealed class MailService(SchedarioDb db, SettingsService settings, AuditLog audit, IConfiguration configuration, TimeProvider clock, ILogger<MailService> log)
{
    public const string PasswordKey = "Mail:Password";
    const int MaxListed = 200;

    /// <summary>
    /// Sends to the record's main address with every other address in Cc. The record must be
    /// readable by the caller (else 404); a record with no address is refused (422 <c>no-address</c>)
    /// and nothing is sent; an SMTP failure is logged as Failed and thrown as <see cref="MailDeliveryException"/>.
    /// </summary>
    public Task<MailMessageDto> SendToCustomerAsync(Guid customerId, MailRequest request, long? inboundContactId, CancellationToken ct = default) =>
        SendToCustomerAsync(customerId, request, inboundContactId, bypassVisibility: false, ct);

    /// <summary>
    /// As above; with <paramref name="bypassVisibility"/> the record is found even outside the
    /// caller's visibility. Only for the inbound screen, for the caller an accepted call has granted
    /// access to (never exposed over HTTP); the access is audited.
    /// </summary>
    public async Task<MailMessageDto> SendToCustomerAsync(Guid customerId, MailRequest request, long? inboundContactId, bool bypassVisibility, CancellationToken ct = default)
    {
        var record = await LoadAsync(customerId, bypassVisibility, ct);
        var errors = new FieldErrors();
        if (inboundContactId is { } icId)
        {
            var contact = await db.InboundContacts().AsNoTracking().Where(c => c.Id == icId).Select(c => new { c.CustomerId }).FirstOrDefaultAsync(ct);
            if (contact is null || (contact.CustomerId is { } other && other != customerId))
                errors.Add("inboundContactId", "Contatto inbound sconosciuto o di un'altra anagrafica.");
        }
        var smtp = await SmtpSettingsAsync(ct);
        var sender = await SenderAsync(smtp.FromName, ct);
        var (template, subject, body) = await ComposeAsync(request, record, sender, errors, strict: true, ct);
        if (errors.Any) throw new ValidationException(errors);
        if (record.Recipients.To is null)
            throw new RuleException("L'anagrafica non ha un indirizzo e-mail: nessuna mail inviata.", "no-address");

        var message = new MailMessage
        {
            CustomerId = customerId, InboundContactId = inboundContactId, TemplateId = template?.Id,
            To = record.Recipients.To, Cc = record.Recipients.Cc.Count == 0 ? null : Cut(string.Join(", ", record.Recipients.Cc), 4000),
            Subject = Cut(subject, 300), Body = Cut(body, 20000),
            SentAt = clock.GetUtcNow().UtcDateTime, SentByUserId = sender.UserId, SentByName = Cut(sender.OperatorName, 256),
        };
        try
        {
            await DeliverAsync(smtp, record.Recipients, message.Subject, message.Body, ct);
            message.Status = MailStatus.Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            message.Status = MailStatus.Failed;
            message.Error = Cut($"{e.GetType().Name}: {e.Message}", 1000);
            log.LogWarning(e, "Mail to record {CustomerId} via {Host}:{Port} failed", customerId, smtp.Host, smtp.Port);
        }

        db.Add(message);
        if (bypassVisibility && !record.Readable)
            audit.Add(AuditActions.Access, "customer", customerId.ToString(), customerId, details: $"Invio mail concesso dalla chiamata inbound {inboundContactId}");
        audit.Add(AuditActions.Create, "mail", template?.Code, customerId,
            details: $"{message.Status}: a {message.To}{(message.Cc is null ? "" : "; cc " + message.Cc)}; oggetto «{message.Subject}»{(message.Error is null ? "" : "; " + message.Error)}");
        // The log is the record of what happened: it is written even if the caller has gone away.
        await db.SaveChangesAsync(CancellationToken.None);
        var dto = ToDto(message);
        if (message.Status == MailStatus.Failed)
            throw new MailDeliveryException(dto, $"Il server di posta non ha accettato la mail: {message.Error}");
        return dto;
    }

    /// <summary>The recipients and merged text the dialog shows; <c>To</c> is null when the record has no address.</summary>
    public async Task<MailPreview> PreviewAsync(Guid customerId, MailRequest request, bool bypassVisibility = false, CancellationToken ct = default)
    {
        var record = await LoadAsync(customerId, bypassVisibility, ct);
        var smtp = await SmtpSettingsAsync(ct);
        var sender = await SenderAsync(smtp.FromName, ct);
        var errors = new FieldErrors();
        var (_, subject, body) = await ComposeAsync(request, record, sender, errors, strict: false, ct);
        if (errors.Any) throw new ValidationException(errors);
        return new MailPreview(record.Recipients.To, record.Recipients.Cc, subject, body);
    }

    /// <summary>The record's mails, newest first (at most 200).</summary>
    public async Task<List<MailMessageDto>> ListForCustomerAsync(Guid customerId, bool bypassVisibility = false, CancellationToken ct = default)
    {
        if (!await Customers(bypassVisibility).AnyAsync(c => c.Id == customerId, ct)) throw new NotFoundException("Anagrafica non trovata.");
        return (await db.MailMessages().AsNoTracking().Where(m => m.CustomerId == customerId)
                .OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(MaxListed).ToListAsync(ct))
            .Select(ToDto).ToList();
    }

    IQueryable<Customer> Customers(bool bypassVisibility) =>
        bypassVisibility ? db.Set<Customer>().IgnoreQueryFilters([SchedarioDb.VisibilityFilter]) : db.Set<Customer>();

    sealed record RecordData(MergeRecord Merge, MailRecipients Recipients, bool Readable);

    async Task<RecordData> LoadAsync(Guid customerId, bool bypassVisibility, CancellationToken ct)
    {
        var c = await Customers(bypassVisibility).AsNoTracking().Where(x => x.Id == customerId)
                    .Select(x => new
                    {
                        x.DisplayName, x.LastName, x.CompanyName, x.TaxCode, x.VatNumber, x.City, x.MainEmail,
                        Emails = x.Emails.Where(e => e.ReferentId == null).OrderBy(e => e.Address).Select(e => new { e.Address, e.IsMain }).ToList(),
                    }).FirstOrDefaultAsync(ct)
                ?? throw new NotFoundException("Anagrafica non trovata.");
        var readable = !bypassVisibility || await db.Set<Customer>().AnyAsync(x => x.Id == customerId, ct);
        return new RecordData(new MergeRecord(c.DisplayName, c.LastName, c.CompanyName, c.TaxCode, c.VatNumber, c.City),
            MailRecipients.From(c.Emails.Select(e => (e.Address, e.IsMain)), c.MainEmail), readable);
    }

    sealed record Sender(string UserId, string OperatorName, MergeSender Merge);

    async Task<Sender> SenderAsync(string agency, CancellationToken ct)
    {
        var who = AmbientAccess.Current;
        if (who is null || string.IsNullOrEmpty(who.UserId)) return new Sender("", "sistema", new MergeSender("sistema", agency));
        var display = await db.Users.AsNoTracking().Where(u => u.Id == who.UserId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        var name = string.IsNullOrWhiteSpace(display) ? who.UserName : display;
        return new Sender(who.UserId, name, new MergeSender(name, agency));
    }

    async Task<(MailTemplate? Template, string Subject, string Body)> ComposeAsync(MailRequest request, RecordData record, Sender sender,
        FieldErrors errors, bool strict, CancellationToken ct)
    {
        MailTemplate? template = null;
        if (request.TemplateId is { } tid)
        {
            template = await db.MailTemplates().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tid && t.Active, ct);
            if (template is null) errors.Add("templateId", "Modello di mail sconosciuto o disattivato.");
        }
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? template?.Subject : request.Subject.Trim();
        var body = string.IsNullOrWhiteSpace(request.Body) ? template?.Body : request.Body;
        if (strict)
        {
            if (string.IsNullOrWhiteSpace(subject)) errors.Add("subject", "Indicare un modello o l'oggetto.");
            else if (subject.Length > 300 || subject.Contains('\n') || subject.Contains('\r')) errors.Add("subject", "Oggetto su una riga, al massimo 300 caratteri.");
            if (string.IsNullOrWhiteSpace(body)) errors.Add("body", "Indicare un modello o il testo.");
            else if (body.Length > 20000) errors.Add("body", "Al massimo 20000 caratteri.");
            MailTemplateService.CheckFields(errors, request.Subject, request.Body);
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Italy).DateTime);
        return (template, MailMerge.Render(subject, record.Merge, sender.Merge, today), MailMerge.Render(body, record.Merge, sender.Merge, today));
    }

    static readonly TimeZoneInfo Italy = FindItaly();

    static TimeZoneInfo FindItaly()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    sealed record Smtp(string Host, int Port, string Security, string? User, string? Password, string From, string FromName);

    async Task<Smtp> SmtpSettingsAsync(CancellationToken ct)
    {
        var all = (await settings.ListAsync(ct)).ToDictionary(s => s.Code, s => Convert.ToString(s.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        string Get(string code, string fallback) => all.TryGetValue(code, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : fallback;
        return new Smtp(Get(SettingCodes.SmtpHost, "localhost"), int.TryParse(Get(SettingCodes.SmtpPort, "25"), out var port) ? port : 25,
            Get(SettingCodes.SmtpSecurity, "none").ToLowerInvariant(), Get(SettingCodes.SmtpUser, "") is { Length: > 0 } user ? user : null,
            configuration[PasswordKey], Get(SettingCodes.MailFrom, "noreply@schedario.local"), Get(SettingCodes.MailFromName, "Schedario"));
    }

    static async Task DeliverAsync(Smtp smtp, MailRecipients to, string subject, string body, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(MailboxAddress.Parse(to.To!));
        foreach (var cc in to.Cc) message.Cc.Add(MailboxAddress.Parse(cc));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };

        using var client = new SmtpClient { Timeout = 30_000 };
        var security = smtp.Security switch
        {
            "ssl" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct);
        if (smtp.User is not null) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }

    static string Cut(string value, int max) => value.Length <= max ? value : value[..max];

    static MailMessageDto ToDto(MailMessage m) => new(m.Id, m.CustomerId, m.InboundContactId, m.TemplateId, m.To,
        m.Cc is null ? [] : m.Cc.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
        m.Subject, m.Body, m.SentAt, m.SentByName, m.Status.ToString().ToLowerInvariant(), m.Error);
}
