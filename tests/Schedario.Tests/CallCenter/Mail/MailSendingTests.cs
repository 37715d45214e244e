using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.Mail;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Tests.CallCenter.Mail;

/// <summary>Mail templates and sending through a real SMTP server (maildev) the fixture starts.</summary>
public abstract class MailSendingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : MailAppFixture
{
    SchedarioAppFactory App => fixture.Factory;
    MailDevServer MailDev => fixture.MailDev;

    async Task<HttpClient> AdminAsync()
    {
        var admin = await App.CreateAdminClientAsync();
        await SetAsync(admin, "SMTPHOST", "127.0.0.1");
        await SetAsync(admin, "SMTPPORT", MailDev.SmtpPort);
        await SetAsync(admin, "SMTPSECURITY", "none");
        await SetAsync(admin, "MAILFROMNAME", "Agenzia Prova");
        return admin;
    }

    static async Task SetAsync(HttpClient admin, string code, object value)
    {
        var r = await admin.PutAsJsonAsync($"/api/v1/settings/{code}", new { value });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    /// <summary>A person with the given e-mails (the first main) and a unique surname.</summary>
    static async Task<CustomerDto> RecordAsync(HttpClient admin, params string[] emails)
    {
        var surname = "Mail" + AccessKit.Unique();
        return await AccessKit.OkAsync<CustomerDto>(await admin.PostAsJsonAsync("/api/v1/customers", new CustomerInput
        {
            Kind = "person", Stage = "lead", FirstName = "Anna", LastName = surname, TaxCode = null,
            Addresses = [new AddressDto(null, "via roma", "1", "20121", "milano", "mi", null, null)],
            Phones = [new PhoneDto(null, "3" + Random.Shared.NextInt64(100_000_000, 999_999_999), null, true)],
            Emails = emails.Select((e, i) => new EmailDto(e, i == 0)).ToList(),
        }));
    }

    static string Address(string who) => $"{who}.{AccessKit.Unique()}@example.it";

    [Fact]
    public async Task A_template_mail_reaches_the_server_with_the_main_address_in_To_and_the_others_in_Cc()
    {
        using var admin = await AdminAsync();
        var (main, second, third) = (Address("main"), Address("second"), Address("third"));
        var record = await RecordAsync(admin, main, second, third);
        var template = await AccessKit.OkAsync<MailTemplateDto>(await admin.PostAsJsonAsync("/api/v1/mail-templates", new
        {
            code = "T" + AccessKit.Unique(), name = "Prova", subject = "{{agenzia}} per {{nome}} ({{cognome}})",
            body = "Gentile {{nome}} di {{citta}},\nil {{data}} le scrive {{operatore}}.",
        }));

        var response = await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { templateId = template.Id });
        var sent = await AccessKit.OkAsync<MailMessageDto>(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("sent", sent.Status);
        Assert.Equal(main, sent.To);
        Assert.Equal(new[] { second, third }.Order(), sent.Cc.Order());

        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome")).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var received = Assert.Single(await MailDev.EmailsToAsync(main));
        Assert.Equal([main], MailDevServer.Addresses(received, "to"));
        Assert.Equal(new[] { second, third }.Order(), MailDevServer.Addresses(received, "cc").Order());
        Assert.Equal($"Agenzia Prova per {record.DisplayName} ({record.LastName})", received.GetProperty("subject").GetString());
        var text = received.GetProperty("text").GetString()!;
        Assert.Contains($"Gentile {record.DisplayName} di {record.Addresses[0].City},", text);
        Assert.Contains($"il {today} le scrive", text);
        Assert.Equal("Agenzia Prova", received.GetProperty("from")[0].GetProperty("name").GetString());

        var log = await admin.GetFromJsonAsync<List<MailMessageDto>>($"/api/v1/customers/{record.Id}/mails");
        var logged = Assert.Single(log!);
        Assert.Equal(sent.Id, logged.Id);
        Assert.Equal("sent", logged.Status);
        Assert.Equal(template.Id, logged.TemplateId);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.CustomerId == record.Id && a.EntityType == "mail" && a.Details!.Contains(main)));
    }

    [Fact]
    public async Task Typed_subject_and_body_win_over_the_template_and_are_merged()
    {
        using var admin = await AdminAsync();
        var main = Address("solo");
        var record = await RecordAsync(admin, main);
        var sent = await AccessKit.OkAsync<MailMessageDto>(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail",
            new { templateId = 1, subject = "Oggetto per {{cognome}}", body = "Solo testo" }));
        Assert.Empty(sent.Cc);
        var received = Assert.Single(await MailDev.EmailsToAsync(main));
        Assert.Equal($"Oggetto per {record.LastName}", received.GetProperty("subject").GetString());
        Assert.Empty(MailDevServer.Addresses(received, "cc"));
        Assert.Equal("Solo testo", received.GetProperty("text").GetString()!.Trim());
    }

    [Fact]
    public async Task A_record_without_an_address_is_refused_and_nothing_is_sent()
    {
        using var admin = await AdminAsync();
        var record = await RecordAsync(admin);
        var before = (await MailDev.EmailsAsync()).Count;
        var problem = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { templateId = 1 }),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal("no-address", problem.GetProperty("rule").GetString());
        Assert.Equal(before, (await MailDev.EmailsAsync()).Count);
        Assert.Empty((await admin.GetFromJsonAsync<List<MailMessageDto>>($"/api/v1/customers/{record.Id}/mails"))!);
    }

    [Fact]
    public async Task An_smtp_server_that_is_down_answers_502_and_the_mail_is_logged_as_failed()
    {
        using var admin = await AdminAsync();
        var main = Address("down");
        var record = await RecordAsync(admin, main);
        await SetAsync(admin, "SMTPPORT", MailDevServer.ClosedPort());
        try
        {
            var problem = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { templateId = 1 }),
                HttpStatusCode.BadGateway);
            Assert.Equal("smtp-failed", problem.GetProperty("rule").GetString());
        }
        finally
        {
            await SetAsync(admin, "SMTPPORT", MailDev.SmtpPort);
        }
        var logged = Assert.Single((await admin.GetFromJsonAsync<List<MailMessageDto>>($"/api/v1/customers/{record.Id}/mails"))!);
        Assert.Equal("failed", logged.Status);
        Assert.False(string.IsNullOrEmpty(logged.Error));
        Assert.Empty(await MailDev.EmailsToAsync(main));
    }

    [Fact]
    public async Task Bad_input_names_the_field()
    {
        using var admin = await AdminAsync();
        var record = await RecordAsync(admin, Address("bad"));
        var noText = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(noText, "subject");
        AccessKit.AssertFieldError(noText, "body");
        var unknownTemplate = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { templateId = 987654 }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(unknownTemplate, "templateId");
        var unknownField = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { subject = "x", body = "{{indirizzo}}" }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(unknownField, "body");
        await AccessKit.ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/customers/{Guid.NewGuid()}/mail", new { templateId = 1 }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_record_the_caller_cannot_see_is_not_found_unless_the_inbound_screen_bypasses_visibility()
    {
        using var admin = await AdminAsync();
        var main = Address("hidden");
        var record = await RecordAsync(admin, main, Address("hiddencc"));
        var kit = new AccessKit(App, admin);
        var (user, client, _) = await kit.UserAsync(Roles.Operator, null, withSubject: false);
        await AccessKit.ProblemAsync(await client.PostAsJsonAsync($"/api/v1/customers/{record.Id}/mail", new { templateId = 1 }), HttpStatusCode.NotFound);
        await AccessKit.ProblemAsync(await client.GetAsync($"/api/v1/customers/{record.Id}/mails"), HttpStatusCode.NotFound);

        await using var scope = App.Services.CreateAsyncScope();
        var profile = await scope.ServiceProvider.GetRequiredService<AccessProfiles>().ForUserIdAsync(user.Id);
        using (AmbientAccess.As(profile))
        {
            var mail = scope.ServiceProvider.GetRequiredService<MailService>();
            await Assert.ThrowsAsync<Schedario.Web.Shared.NotFoundException>(() => mail.SendToCustomerAsync(record.Id, new MailRequest(1), null));
            var sent = await mail.SendToCustomerAsync(record.Id, new MailRequest(1), null, bypassVisibility: true);
            Assert.Equal("sent", sent.Status);
            Assert.Equal(user.DisplayName, sent.SentBy);
        }
        var received = Assert.Single(await MailDev.EmailsToAsync(main));
        Assert.Contains(user.DisplayName, received.GetProperty("text").GetString());
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.CustomerId == record.Id && a.Action == AuditActions.Access && a.UserId == user.Id));
    }

    [Fact]
    public async Task Templates_refuse_unknown_fields_and_stale_versions()
    {
        using var admin = await AdminAsync();
        var code = "T" + AccessKit.Unique();
        var bad = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/mail-templates",
            new { code, name = "x", subject = "{{oggetto}}", body = "{{nome}} {{indirizzo}} {{cap}}" }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(bad, "subject");
        AccessKit.AssertFieldError(bad, "body");
        var message = bad.GetProperty("errors").GetProperty("body")[0].GetString()!;
        Assert.Contains("{{indirizzo}}", message);
        Assert.Contains("{{cap}}", message);

        var t = await AccessKit.OkAsync<MailTemplateDto>(await admin.PostAsJsonAsync("/api/v1/mail-templates", new { code, name = "x", subject = "s {{nome}}", body = "b" }));
        await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/mail-templates", new { code, name = "y", subject = "s", body = "b" }), HttpStatusCode.Conflict);
        var edited = await AccessKit.OkAsync<MailTemplateDto>(await admin.PutAsJsonAsync($"/api/v1/mail-templates/{t.Id}",
            new { code, name = "x2", subject = "s", body = "b", active = false, version = t.Version }));
        Assert.False(edited.Active);
        Assert.Equal(t.Version + 1, edited.Version);
        await AccessKit.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/mail-templates/{t.Id}",
            new { code, name = "x3", subject = "s", body = "b", version = t.Version }), HttpStatusCode.Conflict);
        var active = await admin.GetFromJsonAsync<List<MailTemplateDto>>("/api/v1/mail-templates?includeInactive=false");
        Assert.DoesNotContain(active!, x => x.Id == t.Id);
        Assert.Contains(active!, x => x.Code == "RICONTATTO");
    }
}

public sealed class MailSendingTests_Sqlite(SqliteMailFixture f) : MailSendingTests<SqliteMailFixture>(f);
public sealed class MailSendingTests_Postgres(PostgresMailFixture f) : MailSendingTests<PostgresMailFixture>(f);
