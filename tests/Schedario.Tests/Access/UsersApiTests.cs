using System.Net;
using System.Net.Http.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.Access;

/// <summary>User administration through /api/v1/users and /api/v1/me, on SQLite and PostgreSQL.</summary>
public abstract class UsersApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    [Fact]
    public async Task An_administrator_creates_an_operator_in_an_agency_linked_to_a_subject()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var agency = await kit.AgencyAsync();
        var subject = await kit.SubjectAsync("operator", agency.Id);
        var name = "nuovo" + Unique();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, displayName = "Nuovo Operatore", roles = new[] { "operator" }, subjectId = subject.Id, agencyId = agency.Id, password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = (await created.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal(["Operator"], user.Roles);
        Assert.Equal(subject.Id, user.SubjectId);
        Assert.Equal(agency.Id, user.AgencyId);
        Assert.False(user.Disabled);

        using var me = await App.CreateClientAsAsync(name, Password);
        var self = (await me.GetFromJsonAsync<UserDto>("/api/v1/me"))!;
        Assert.Equal(user.Id, self.Id);
        // An operator does not administer users.
        Assert.Equal(HttpStatusCode.Forbidden, (await me.GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task Unknown_role_subject_agency_and_a_weak_password_are_400_naming_the_field_and_create_nothing()
    {
        using var admin = await App.CreateAdminClientAsync();
        var name = "bad" + Unique();
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, roles = new[] { "Capo" }, subjectId = 999_999, agencyId = 999_999, password = "corta" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        AssertFieldError(problem, "roles");
        AssertFieldError(problem, "subjectId");
        AssertFieldError(problem, "agencyId");
        AssertFieldError(problem, "password");
        var users = (await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users"))!;
        Assert.DoesNotContain(users, u => u.UserName == name);
    }

    [Fact]
    public async Task Removing_the_last_administrator_and_disabling_yourself_are_refused()
    {
        using var admin = await App.CreateAdminClientAsync();
        var me = (await admin.GetFromJsonAsync<UserDto>("/api/v1/me"))!;
        var others = (await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users"))!
            .Where(u => u.Id != me.Id && u.Roles.Contains(Roles.Administrator) && !u.Disabled).ToList();
        Assert.Empty(others);   // the fixture's database has exactly one administrator

        var demote = await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}", new { userName = me.UserName, roles = new[] { "supervisor" } });
        var problem = await ProblemAsync(demote, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("last-administrator", problem.GetProperty("rule").GetString());
        Assert.Contains("ultimo amministratore", problem.GetProperty("detail").GetString());

        var disable = await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}", new { userName = me.UserName, roles = new[] { "administrator" }, disabled = true });
        Assert.Equal("self-disable", (await ProblemAsync(disable, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());

        var after = (await admin.GetFromJsonAsync<UserDto>($"/api/v1/users/{me.Id}"))!;
        Assert.Equal([Roles.Administrator], after.Roles);
        Assert.False(after.Disabled);
    }

    [Fact]
    public async Task A_disabled_users_token_stops_working_at_once_and_they_cannot_log_in()
    {
        using var admin = await App.CreateAdminClientAsync();
        var (user, client, _) = await new AccessKit(App, admin).UserAsync(Roles.Supervisor, null, withSubject: false);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/customers")).StatusCode);

        var off = await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { userName = user.UserName, roles = user.Roles, disabled = true });
        Assert.True((await OkAsync<UserDto>(off)).Disabled);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/customers")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => App.GetTokenAsync(user.UserName, Password));

        var on = await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { userName = user.UserName, roles = user.Roles, disabled = false });
        Assert.False((await OkAsync<UserDto>(on)).Disabled);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/customers")).StatusCode);
    }

    [Fact]
    public async Task Users_change_their_own_password_and_administrators_reset_one()
    {
        using var admin = await App.CreateAdminClientAsync();
        var (user, client, _) = await new AccessKit(App, admin).UserAsync(Roles.Operator, null, withSubject: false);

        var wrong = await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Sbagliata!2026", newPassword = "Nuova!Password2026" });
        AssertFieldError(await ProblemAsync(wrong, HttpStatusCode.BadRequest), "currentPassword");
        var weak = await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = Password, newPassword = "breve" });
        AssertFieldError(await ProblemAsync(weak, HttpStatusCode.BadRequest), "newPassword");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = Password, newPassword = "Nuova!Password2026" })).StatusCode);
        await App.GetTokenAsync(user.UserName, "Nuova!Password2026");
        await Assert.ThrowsAsync<InvalidOperationException>(() => App.GetTokenAsync(user.UserName, Password));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/users/{user.Id}/password", new { password = "Reimpostata!2026" })).StatusCode);
        await App.GetTokenAsync(user.UserName, "Reimpostata!2026");
    }

    [Fact]
    public async Task A_subject_links_to_one_user_only()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var (first, _, subjectId) = await kit.UserAsync(Roles.Operator, null);
        var second = await admin.PostAsJsonAsync("/api/v1/users", new { userName = "dup" + Unique(), roles = new[] { "operator" }, subjectId, password = Password });
        AssertFieldError(await ProblemAsync(second, HttpStatusCode.BadRequest), "subjectId");
        Assert.Equal(subjectId, (await admin.GetFromJsonAsync<UserDto>($"/api/v1/users/{first.Id}"))!.SubjectId);
    }
}

public sealed class UsersApiTests_Sqlite(SqliteAppFixture f) : UsersApiTests<SqliteAppFixture>(f);
public sealed class UsersApiTests_Postgres(PostgresAppFixture f) : UsersApiTests<PostgresAppFixture>(f);
