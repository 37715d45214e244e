using System.Net;
using System.Net.Http.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;
using Schedario.Web.Registry.Dedup;

namespace Schedario.Tests.Registry.Dedup;

public sealed class DedupDemoFixture() : AppFixture(DbProvider.Sqlite, demoData: true);

/// <summary>Who may merge and dismiss: administrators, supervisors and back office, not operators.</summary>
public sealed class DuplicatePermissionTests(DedupDemoFixture fixture) : IClassFixture<DedupDemoFixture>
{
    [Fact]
    public async Task An_operator_may_not_list_merge_or_dismiss_candidates()
    {
        // Deduplication is the registry keepers' work; an operator reads only their own records anyway.
        using var op = await fixture.Factory.CreateClientAsAsync("operator1", DemoUsers.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/v1/duplicates?limit=5")).StatusCode);
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync($"/api/v1/customers/{id}/merge",
            new MergeRequest { DuplicateId = Guid.NewGuid(), SurvivorVersion = 1, DuplicateVersion = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(id, Guid.NewGuid()))).StatusCode);

        using var supervisor = await fixture.Factory.CreateClientAsAsync("supervisor", DemoUsers.DemoPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(id, Guid.NewGuid()))).StatusCode);
    }
}
