using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Access;
using Schedario.Tests.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.Campaigns;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>The do-not-call list: manual numbers through the API, and opt-outs captured when the desk closes a call.</summary>
public abstract class DoNotCallTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;
    ComplianceKit Kit => new(App);

    [Fact]
    public async Task A_manual_number_is_stored_in_E164_found_by_search_and_removed()
    {
        using var admin = await App.CreateAdminClientAsync();
        var number = ComplianceKit.Mobile();
        var response = await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = ComplianceKit.National(number), note = "Chiesto per e-mail" });
        var created = await AccessKit.OkAsync<DoNotCallDto>(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((number, "manual", "Chiesto per e-mail", "admin"), (created.Number, created.Source, created.Note, created.AddedBy));

        // Exact number in any form, or some of its digits.
        Assert.Equal(number, Assert.Single((await ComplianceKit.ListAsync(admin, "q=" + Uri.EscapeDataString(ComplianceKit.National(number)))).Items).Number);
        Assert.Contains((await ComplianceKit.ListAsync(admin, "q=" + number[5..])).Items, i => i.Number == number);
        var page = await ComplianceKit.ListAsync(admin, "source=manual&page=1&pageSize=1");
        Assert.Single(page.Items);
        Assert.True(page.Total >= 1);

        await using (var scope = App.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<DoNotCallService>().IsListedAsync(number));

        var duplicate = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number }), HttpStatusCode.Conflict);
        AccessKit.AssertFieldError(duplicate, "number");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/do-not-call/{Uri.EscapeDataString(number)}")).StatusCode);
        await AccessKit.ProblemAsync(await admin.DeleteAsync($"/api/v1/do-not-call/{Uri.EscapeDataString(number)}"), HttpStatusCode.NotFound);
        await using (var scope = App.Services.CreateAsyncScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<DoNotCallService>().IsListedAsync(number));
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_opt_outs_are_not_removed_by_hand()
    {
        using var admin = await App.CreateAdminClientAsync();
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = "12" }), HttpStatusCode.BadRequest), "number");
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { }), HttpStatusCode.BadRequest), "number");
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/do-not-call",
            new { number = ComplianceKit.Mobile(), note = new string('x', 501) }), HttpStatusCode.BadRequest), "note");
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.GetAsync("/api/v1/do-not-call?pageSize=1000"), HttpStatusCode.BadRequest), "pageSize");
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.GetAsync("/api/v1/do-not-call?source=colore"), HttpStatusCode.BadRequest), "source");
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.DeleteAsync("/api/v1/do-not-call/abc"), HttpStatusCode.BadRequest), "number");

        var number = ComplianceKit.Mobile();
        await Kit.WithDbAsync(db => new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System)).AddOptOutAsync([number], null, "test", null));
        var refused = await AccessKit.ProblemAsync(await admin.DeleteAsync($"/api/v1/do-not-call/{Uri.EscapeDataString(number)}"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("do-not-call-not-manual", refused.GetProperty("rule").GetString());
        Assert.Equal(["optOut"], await ComplianceKit.SourcesAsync(admin, number));
    }

    [Fact]
    public async Task Adding_opt_outs_twice_is_idempotent()
    {
        var number = ComplianceKit.Mobile();
        var first = await Kit.WithDbAsync(db => new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System))
            .AddOptOutAsync([number, ComplianceKit.National(number), "non un numero"], null, "test", null));
        var second = await Kit.WithDbAsync(db => new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System))
            .AddOptOutAsync([number], null, "test", null));
        Assert.Equal([number], first);
        Assert.Empty(second);
        Assert.Equal(1, await Kit.WithDbAsync(db => db.DoNotCall().CountAsync(d => d.Number == number)));
    }

    [Fact]
    public async Task Closing_a_call_as_do_not_call_lists_every_phone_of_the_record_at_once()
    {
        using var admin = await App.CreateAdminClientAsync();
        var campaign = await ComplianceKit.CampaignAsync(admin);
        string main = ComplianceKit.Mobile(), other = ComplianceKit.Mobile();
        var (entryId, customerId) = await Kit.EntryAsync(campaign.Id, main, other);
        var (_, opName) = await Kit.Campaigns.CreateOperatorAsync();
        using var op = await Kit.Campaigns.ClientAsync(opName);
        var card = await CampaignKit.NextAsync(op, campaign.Id);
        Assert.Equal(entryId, card!.Entry.Id);

        var closed = await op.PostAsJsonAsync($"/api/v1/campaign-entries/{entryId}/close", new CloseInput { OutcomeCode = "NON CHIAMARE", Note = "Non vuole più essere chiamato" });
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());

        var rows = await Kit.WithDbAsync(db => db.DoNotCall().AsNoTracking().Where(d => d.CustomerId == customerId).ToListAsync());
        Assert.Equal(new[] { main, other }.Order(), rows.Select(r => r.Number).Order());
        Assert.All(rows, r =>
        {
            Assert.Equal(DoNotCallSource.OptOut, r.Source);
            Assert.Equal(opName, r.AddedBy);
            Assert.Contains("Non vuole più essere chiamato", r.Note);
        });
        // The explanation says so too.
        var why = await ComplianceKit.DialabilityAsync(admin, entryId);
        Assert.Contains(why.Reasons, r => r.Code == "do-not-call");
        Assert.Contains(why.Reasons, r => r.Code == "entry-closed");
    }

    [Fact]
    public async Task Other_outcomes_list_nothing()
    {
        using var admin = await App.CreateAdminClientAsync();
        var campaign = await ComplianceKit.CampaignAsync(admin);
        var (entryId, customerId) = await Kit.EntryAsync(campaign.Id, ComplianceKit.Mobile());
        var (_, opName) = await Kit.Campaigns.CreateOperatorAsync();
        using var op = await Kit.Campaigns.ClientAsync(opName);
        Assert.Equal(entryId, (await CampaignKit.NextAsync(op, campaign.Id))!.Entry.Id);
        var closed = await op.PostAsJsonAsync($"/api/v1/campaign-entries/{entryId}/close", new CloseInput { OutcomeCode = "NON INTERESSATO" });
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        Assert.False(await Kit.WithDbAsync(db => db.DoNotCall().AnyAsync(d => d.CustomerId == customerId)));
    }
}

public sealed class DoNotCallTests_Sqlite(SqliteAppFixture f) : DoNotCallTests<SqliteAppFixture>(f);
public sealed class DoNotCallTests_Postgres(PostgresAppFixture f) : DoNotCallTests<PostgresAppFixture>(f);
