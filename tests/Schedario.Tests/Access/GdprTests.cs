using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Audit;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Gdpr;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.Access;

/// <summary>The data subject's rights: export everything, erase irreversibly unless under a legal hold.</summary>
public abstract class GdprTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    [Fact]
    public async Task Export_holds_the_record_its_consent_history_and_is_audited_as_json_and_csv()
    {
        using var admin = await App.CreateAdminClientAsync();
        var tag = "Gdp" + Unique();
        var (record, phone) = await new AccessKit(App, admin).RecordAsync(tag);
        // Withdrawing the consent adds to its history.
        var input = new CustomerInput
        {
            Kind = "person", Stage = "lead", FirstName = "Anna", LastName = tag, Version = record.Version,
            Addresses = record.Addresses, Phones = record.Phones, Emails = record.Emails,
            Consents = [new ConsentDto("marketing", "phone", false, null, "richiesta via email", null)],
        };
        await OkAsync<CustomerDto>(await admin.PutAsJsonAsync($"/api/v1/customers/{record.Id}", input));

        var export = await OkAsync<GdprExport>(await admin.GetAsync($"/api/v1/customers/{record.Id}/gdpr-export"));
        Assert.Equal(record.Id, export.Record.Id);
        Assert.Contains(export.Record.Phones, p => p.Number == phone);
        Assert.Equal([true, false], export.ConsentHistory.Select(c => c.Given));
        Assert.Equal("richiesta via email", export.ConsentHistory[^1].Source);

        var csv = await admin.GetAsync($"/api/v1/customers/{record.Id}/gdpr-export?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains($"record;1;lastName;{tag}", text);
        Assert.Contains("consents;2;given;false", text);

        var trail = (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/audit?customerId={record.Id}&action=export"))!.Items;
        Assert.Equal(2, trail.Count);
    }

    [Fact]
    public async Task Erasure_anonymises_the_person_keeps_the_row_and_redacts_the_trail()
    {
        using var admin = await App.CreateAdminClientAsync();
        var tag = "Era" + Unique();
        var (record, phone) = await new AccessKit(App, admin).RecordAsync(tag);
        var before = (await admin.GetFromJsonAsync<CustomerPage>("/api/v1/customers?total=true&province=MI"))!.Total;

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/erase", new { version = record.Version, reason = "richiesta dell'interessato" })).StatusCode);

        var erased = (await admin.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{record.Id}"))!;
        Assert.StartsWith(GdprService.Anonymous, erased.DisplayName);
        Assert.DoesNotContain(tag, JsonSerializer.Serialize(erased));
        Assert.Empty(erased.Phones);
        Assert.Empty(erased.Emails);
        Assert.Equal("MI", erased.Addresses.Single().Province);   // the figures by area stay right
        Assert.Equal(before, (await admin.GetFromJsonAsync<CustomerPage>("/api/v1/customers?total=true&province=MI"))!.Total);
        Assert.Empty((await admin.GetFromJsonAsync<List<CustomerSummary>>($"/api/v1/customers/search?q={tag}"))!);
        Assert.Empty((await admin.GetFromJsonAsync<LookupResult>($"/api/v1/customers/lookup?phone={phone}"))!.Matches);

        var trail = (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/customers/{record.Id}/history"))!.Items;
        Assert.Contains(trail, e => e.Action == "erase");
        Assert.DoesNotContain(tag, JsonSerializer.Serialize(trail.Where(e => e.Action != "erase")));
        Assert.DoesNotContain(phone, JsonSerializer.Serialize(trail));

        // Irreversible: a second erasure is refused as such.
        var again = await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/erase", new { });
        Assert.Equal("erased", (await ProblemAsync(again, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_legal_hold_refuses_erasure_and_changes_nothing()
    {
        using var admin = await App.CreateAdminClientAsync();
        var tag = "Hold" + Unique();
        var (record, _) = await new AccessKit(App, admin).RecordAsync(tag);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/v1/customers/{record.Id}/legal-hold", new { legalHold = true, reason = "contenzioso" })).StatusCode);

        var refused = await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/erase", new { });
        var problem = await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("legal-hold", problem.GetProperty("rule").GetString());
        var still = (await admin.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{record.Id}"))!;
        Assert.Equal(tag, still.LastName);
        Assert.NotEmpty(still.Phones);
    }
}

public sealed class GdprTests_Sqlite(SqliteAppFixture f) : GdprTests<SqliteAppFixture>(f);
public sealed class GdprTests_Postgres(PostgresAppFixture f) : GdprTests<PostgresAppFixture>(f);
