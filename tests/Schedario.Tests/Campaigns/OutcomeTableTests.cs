using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;

namespace Schedario.Tests.Campaigns;

/// <summary>Administrators keep the outcome table; the seeded defaults stay and new codes join them.</summary>
public abstract class OutcomeTableTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    static string Code() => "ESITO " + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    [Fact]
    public async Task An_administrator_adds_edits_and_deactivates_an_outcome()
    {
        using var admin = await fixture.Factory.CreateAdminClientAsync();
        var code = Code();
        var created = await admin.PostAsJsonAsync("/api/v1/outcomes", new { code = code.ToLowerInvariant(), description = "Già cliente di un concorrente", category = "negativeClosed", personReached = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var outcome = (await created.Content.ReadFromJsonAsync<OutcomeDto>())!;
        Assert.Equal(code, outcome.Code);
        Assert.True(outcome.Id > 10); // after the seeded defaults, on both databases
        Assert.Contains(await admin.GetFromJsonAsync<List<OutcomeDto>>("/api/v1/outcomes") ?? [], o => o.Code == "PROMESSA CONTATTO");

        var callback = await admin.PutAsJsonAsync($"/api/v1/outcomes/{outcome.Id}", new { code, description = "Richiamare il titolare", category = "callback" });
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.True((await callback.Content.ReadFromJsonAsync<OutcomeDto>())!.NeedsCallbackTime); // a callback always needs its time

        var off = await admin.PutAsJsonAsync($"/api/v1/outcomes/{outcome.Id}", new { code, description = "Richiamare il titolare", category = "callback", active = false });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<OutcomeDto>>("/api/v1/outcomes"))!, o => o.Id == outcome.Id);
        Assert.Contains((await admin.GetFromJsonAsync<List<OutcomeDto>>("/api/v1/outcomes?includeInactive=true"))!, o => o.Id == outcome.Id);
    }

    [Fact]
    public async Task Bad_outcomes_are_refused_naming_the_field_and_change_nothing()
    {
        using var admin = await fixture.Factory.CreateAdminClientAsync();
        async Task<JsonElement> Problem(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

        var badCategory = await admin.PostAsJsonAsync("/api/v1/outcomes", new { code = Code(), description = "x", category = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, badCategory.StatusCode);
        Assert.True((await Problem(badCategory)).GetProperty("errors").TryGetProperty("category", out _));

        var takenKey = await admin.PostAsJsonAsync("/api/v1/outcomes", new { code = Code(), description = "x", category = "negativeClosed", shortcut = "3" });
        Assert.Equal(HttpStatusCode.BadRequest, takenKey.StatusCode); // 3 is PROMESSA CONTATTO's key
        Assert.True((await Problem(takenKey)).GetProperty("errors").TryGetProperty("shortcut", out _));

        var duplicate = await admin.PostAsJsonAsync("/api/v1/outcomes", new { code = "ADESIONE", description = "x", category = "positiveClosed" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/outcomes/99999", new { code = Code(), description = "x", category = "toCall" })).StatusCode);
        var outcomes = (await admin.GetFromJsonAsync<List<OutcomeDto>>("/api/v1/outcomes?includeInactive=true"))!;
        Assert.Equal(1, outcomes.Count(o => o.Code == "ADESIONE"));
    }

    [Fact]
    public async Task Operators_read_the_table_but_cannot_change_it()
    {
        var user = "out" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Factory.CreateUserAsync(user, "Operatore2026!", Roles.Operator);
        using var op = await fixture.Factory.CreateClientAsAsync(user, "Operatore2026!");
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/v1/outcomes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/v1/outcomes", new { code = Code(), description = "x", category = "toCall" })).StatusCode);
    }
}

public sealed class OutcomeTableTests_Sqlite(SqliteAppFixture f) : OutcomeTableTests<SqliteAppFixture>(f);
public sealed class OutcomeTableTests_Postgres(PostgresAppFixture f) : OutcomeTableTests<PostgresAppFixture>(f);
