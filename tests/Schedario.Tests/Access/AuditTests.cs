using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Dedup;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.Access;

/// <summary>Each kind of change leaves the right line in the trail, and nothing can edit or delete a line.</summary>
public abstract class AuditTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    static async Task<List<AuditEntryDto>> TrailAsync(HttpClient admin, string query) =>
        (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?limit=200&" + query))!.Items;

    [Fact]
    public async Task Create_update_delete_and_merge_of_a_record_are_in_its_history_with_old_and_new_values()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var tag = "Aud" + Unique();
        var (record, _) = await kit.RecordAsync(tag);
        var input = new CustomerInput
        {
            Kind = "person", Stage = "prospect", FirstName = "Anna", LastName = tag, Version = record.Version, Notes = "ha chiesto un preventivo",
            Addresses = record.Addresses, Phones = record.Phones, Emails = record.Emails,
        };
        var updated = await OkAsync<CustomerDto>(await admin.PutAsJsonAsync($"/api/v1/customers/{record.Id}", input));

        var history = (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/customers/{record.Id}/history"))!.Items;
        Assert.Contains(history, e => e.Action == "create" && e.UserName == "admin");
        var stage = Assert.Single(history, e => e.Field == "stage");
        Assert.Equal(("Lead", "Prospect"), (stage.OldValue, stage.NewValue));
        Assert.Contains(history, e => e.Field == "notes" && e.OldValue == null && e.NewValue == "ha chiesto un preventivo");

        var (twin, _) = await kit.RecordAsync(tag + "x");
        var merge = await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/merge",
            new MergeRequest { DuplicateId = twin.Id, SurvivorVersion = updated.Version, DuplicateVersion = twin.Version });
        var merged = await OkAsync<CustomerDto>(merge);
        Assert.Contains((await TrailAsync(admin, $"customerId={twin.Id}")), e => e.Action == "merge");
        Assert.Contains((await TrailAsync(admin, $"customerId={record.Id}")), e => e.Action == "merge");
        // The merged record's phone moved: the survivor's history shows the new phone.
        Assert.Contains((await TrailAsync(admin, $"customerId={record.Id}")), e => e.Field == "phones" && e.NewValue != null);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/customers/{record.Id}?version={merged.Version}")).StatusCode);
        Assert.Contains((await TrailAsync(admin, $"customerId={record.Id}&action=delete")), e => e.CustomerId == record.Id);
    }

    [Fact]
    public async Task Logins_failed_logins_exports_imports_and_permission_changes_are_recorded()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var (user, client, _) = await kit.UserAsync(Roles.Supervisor, null, withSubject: false);
        using var anonymous = App.CreateClient();
        await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = user.UserName, password = "Sbagliata!2026" });

        var byUser = await TrailAsync(admin, $"user={user.UserName}");
        Assert.Contains(byUser, e => e.Action == "login");
        Assert.Contains(byUser, e => e.Action == "login-failed");
        Assert.Contains(await TrailAsync(admin, "action=permission"), e => e.EntityId == user.UserName);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/customers/export", new { text = "zzz" + Unique() })).StatusCode);
        Assert.Contains(await TrailAsync(admin, $"user={user.UserName}&action=export"), e => e.Details!.StartsWith("0 anagrafiche"));

        await admin.PutAsJsonAsync("/api/v1/roles/backoffice/visibility", new { delete = "own" });
        await admin.PutAsJsonAsync("/api/v1/roles/backoffice/visibility", new { delete = "none" });
        var change = (await TrailAsync(admin, "action=permission")).First(e => e.EntityId == "BackOffice" && e.Field == "visibility");
        Assert.Contains("delete=own", change.OldValue);
        Assert.Contains("delete=none", change.NewValue);

        // The import's own tests cover its rows; here only that starting one is on record.
        var tag = "Imp" + Unique();
        var started = await admin.PostAsync("/api/v1/imports", Upload($"Cognome;Nome\n{tag};Anna\n"));
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        Assert.Contains(await TrailAsync(admin, "action=import"), e => e.UserName == "admin");
    }

    static MultipartFormDataContent Upload(string csv)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(csv), "file", "audit.csv");
        return form;
    }

    [Fact]
    public async Task No_api_and_no_sql_statement_can_change_or_delete_a_line()
    {
        using var admin = await App.CreateAdminClientAsync();
        var (record, _) = await new AccessKit(App, admin).RecordAsync("Imm" + Unique());
        var line = (await TrailAsync(admin, $"customerId={record.Id}")).First();

        // The API offers reading only.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.DeleteAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.PutAsJsonAsync("/api/v1/audit", new { })).StatusCode);

        // And the database itself refuses, whoever asks.
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Set<AuditEntry>().Where(a => a.Id == line.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.UserName, "qualcun altro")));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Set<AuditEntry>().Where(a => a.Id == line.Id).ExecuteDeleteAsync());
        var still = await db.Set<AuditEntry>().AsNoTracking().SingleAsync(a => a.Id == line.Id);
        Assert.Equal(line.UserName, still.UserName);
    }

    [Fact]
    public async Task The_search_pages_newest_first_and_rejects_an_unknown_action()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        for (var i = 0; i < 3; i++) await kit.RecordAsync("Pag" + Unique());
        var first = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=create&limit=2"))!;
        Assert.Equal(2, first.Items.Count);
        Assert.True(first.Items[0].Id > first.Items[1].Id);
        var second = (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action=create&limit=2&cursor={first.NextCursor}"))!;
        Assert.True(second.Items[0].Id < first.Items[1].Id);
        AssertFieldError(await ProblemAsync(await admin.GetAsync("/api/v1/audit?action=hack"), HttpStatusCode.BadRequest), "action");
    }
}

public sealed class AuditTests_Sqlite(SqliteAppFixture f) : AuditTests<SqliteAppFixture>(f);
public sealed class AuditTests_Postgres(PostgresAppFixture f) : AuditTests<PostgresAppFixture>(f);
