using System.Net;
using System.Net.Http.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Dedup;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.Access;

/// <summary>
/// Operator A must not reach operator B's records through any path: list, filter, card, quick search,
/// caller-ID lookup, export, merge, history, GDPR export. An unreadable record answers 404.
/// </summary>
public abstract class VisibilityTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    sealed record World(HttpClient Admin, AccessKit Kit, HttpClient A, HttpClient B, CustomerDto RecordA, string PhoneA, CustomerDto RecordB, string PhoneB, string Tag, int AgencyA);

    async Task<World> WorldAsync()
    {
        var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var agencyA = await kit.AgencyAsync();
        var agencyB = await kit.AgencyAsync();
        var portfolio = await kit.PortfolioTypeAsync();
        var (_, a, subjectA) = await kit.UserAsync(Roles.Operator, agencyA.Id);
        var (_, b, subjectB) = await kit.UserAsync(Roles.Operator, agencyB.Id);
        var tag = "Vis" + Unique();
        var (recordA, phoneA) = await kit.RecordAsync(tag + "a", portfolio.Id, subjectA, agencyA.Id);
        var (recordB, phoneB) = await kit.RecordAsync(tag + "b", portfolio.Id, subjectB, agencyB.Id);
        return new World(admin, kit, a, b, recordA, phoneA, recordB, phoneB, tag, agencyA.Id);
    }

    [Fact]
    public async Task An_operator_reads_finds_and_looks_up_only_their_own_records()
    {
        var w = await WorldAsync();

        var list = (await w.A.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={w.Tag}&total=true"))!;
        Assert.Equal([w.RecordA.Id], list.Items.Select(i => i.Id));
        Assert.Equal(1, list.Total);
        var query = await OkAsync<CustomerPage>(await w.A.PostAsJsonAsync("/api/v1/customers/query", new { provinces = new[] { "MI" }, text = w.Tag }));
        Assert.Equal([w.RecordA.Id], query.Items.Select(i => i.Id));
        var search = (await w.A.GetFromJsonAsync<List<CustomerSummary>>($"/api/v1/customers/search?q={w.Tag}"))!;
        Assert.Equal([w.RecordA.Id], search.Select(s => s.Id));

        Assert.Equal(HttpStatusCode.OK, (await w.A.GetAsync($"/api/v1/customers/{w.RecordA.Id}")).StatusCode);
        await ProblemAsync(await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}/history"), HttpStatusCode.NotFound);
        await ProblemAsync(await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}/characteristics"), HttpStatusCode.NotFound);
        await ProblemAsync(await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}/gdpr-export"), HttpStatusCode.NotFound);
        await ProblemAsync(await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}/subjects"), HttpStatusCode.NotFound);

        var mine = (await w.A.GetFromJsonAsync<LookupResult>($"/api/v1/customers/lookup?phone={w.PhoneA}"))!;
        Assert.Equal([w.RecordA.Id], mine.Matches.Select(m => m.CustomerId));
        var theirs = (await w.A.GetFromJsonAsync<LookupResult>($"/api/v1/customers/lookup?phone={w.PhoneB}"))!;
        Assert.Empty(theirs.Matches);

        // B sees the mirror image; the administrator sees both.
        Assert.Equal([w.RecordB.Id], (await w.B.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={w.Tag}"))!.Items.Select(i => i.Id));
        Assert.Equal(2, (await w.Admin.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={w.Tag}"))!.Items.Count);
    }

    [Fact]
    public async Task An_operator_cannot_edit_delete_or_merge_another_operators_record_and_nothing_changes()
    {
        var w = await WorldAsync();
        var edit = await w.A.PutAsJsonAsync($"/api/v1/customers/{w.RecordB.Id}", AsInput(w.RecordB) with { Notes = "preso" });
        await ProblemAsync(edit, HttpStatusCode.NotFound);
        await ProblemAsync(await w.A.DeleteAsync($"/api/v1/customers/{w.RecordB.Id}"), HttpStatusCode.NotFound);
        var merge = await w.A.PostAsJsonAsync($"/api/v1/customers/{w.RecordA.Id}/merge",
            new MergeRequest { DuplicateId = w.RecordB.Id, SurvivorVersion = w.RecordA.Version, DuplicateVersion = w.RecordB.Version });
        Assert.True(merge.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"merge answered {(int)merge.StatusCode}");
        // Operators have no mass update at all; a supervisor limited to their agency would update 0 of B's.
        await ProblemAsync(await w.A.PostAsJsonAsync("/api/v1/customers/assign", new { customerIds = new[] { w.RecordB.Id }, agencyId = w.AgencyA }), HttpStatusCode.Forbidden);

        var b = (await w.Admin.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{w.RecordB.Id}"))!;
        Assert.Equal(w.RecordB.Version, b.Version);
        Assert.Null(b.Notes);

        // Their own record they may edit.
        var own = await w.A.PutAsJsonAsync($"/api/v1/customers/{w.RecordA.Id}", AsInput(w.RecordA) with { Notes = "richiamare" });
        Assert.Equal("richiamare", (await OkAsync<CustomerDto>(own)).Notes);
    }

    [Fact]
    public async Task Export_follows_the_roles_export_level()
    {
        var w = await WorldAsync();
        var filter = new { text = w.Tag };
        // Operators export nothing by default.
        await ProblemAsync(await w.A.PostAsJsonAsync("/api/v1/customers/export", filter), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await w.Admin.PutAsJsonAsync("/api/v1/roles/operator/visibility", new { export = "own" })).StatusCode);
        try
        {
            var csv = await (await w.A.PostAsJsonAsync("/api/v1/customers/export", filter)).Content.ReadAsStringAsync();
            Assert.Contains(w.RecordA.Id.ToString(), csv);
            Assert.DoesNotContain(w.RecordB.Id.ToString(), csv);
        }
        finally
        {
            await w.Admin.PutAsJsonAsync("/api/v1/roles/operator/visibility", new { export = "none" });
        }
    }

    [Fact]
    public async Task Agency_level_sees_the_agencys_records_and_own_level_includes_campaign_entries()
    {
        var w = await WorldAsync();
        var (agent, agentClient, _) = await w.Kit.UserAsync(Roles.Agent, w.AgencyA, withSubject: false);
        // Agents read their own by default: nothing here is theirs.
        Assert.Empty((await agentClient.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={w.Tag}"))!.Items);

        Assert.Equal(HttpStatusCode.OK, (await w.Admin.PutAsJsonAsync("/api/v1/roles/agent/visibility", new { read = "agency" })).StatusCode);
        try
        {
            Assert.Equal([w.RecordA.Id], (await agentClient.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={w.Tag}"))!.Items.Select(i => i.Id));
        }
        finally
        {
            await w.Admin.PutAsJsonAsync("/api/v1/roles/agent/visibility", new { read = "own" });
        }

        // A campaign entry assigned to an operator makes the record theirs to read while it lasts.
        var type = await Schedario.Tests.Campaigns.CampaignKit.CreateTypeAsync(w.Admin);
        var today = DateOnly.FromDateTime(DateTime.Today);
        var campaign = await Schedario.Tests.Campaigns.CampaignKit.CreateCampaignAsync(w.Admin, type, today, today.AddDays(30));
        var me = (await w.A.GetFromJsonAsync<UserDto>("/api/v1/me"))!;
        var fill = await w.Admin.PostAsJsonAsync($"/api/v1/campaigns/{campaign.Id}/wizard/fill", new
        {
            filter = new { text = w.Tag + "b" },
            distribution = new { mode = "equal", operatorIds = new[] { me.Id } },
        });
        Assert.Equal(1, (await OkAsync<System.Text.Json.JsonElement>(fill)).GetProperty("inserted").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await w.A.GetAsync($"/api/v1/customers/{w.RecordB.Id}")).StatusCode);
        _ = agent;
    }

    static CustomerInput AsInput(CustomerDto c) => new()
    {
        Kind = c.Kind, Stage = c.Stage, FirstName = c.FirstName, LastName = c.LastName, Notes = c.Notes, Version = c.Version,
        Addresses = c.Addresses, Phones = c.Phones, Emails = c.Emails,
    };
}

public sealed class VisibilityTests_Sqlite(SqliteAppFixture f) : VisibilityTests<SqliteAppFixture>(f);
public sealed class VisibilityTests_Postgres(PostgresAppFixture f) : VisibilityTests<PostgresAppFixture>(f);
