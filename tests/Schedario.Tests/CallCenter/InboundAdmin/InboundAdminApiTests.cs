using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Inbound.Admin;
using Schedario.Web.Identity;

namespace Schedario.Tests.CallCenter.InboundAdmin;

/// <summary>The inbound services and closing-code tables through the API.</summary>
public abstract class InboundAdminApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    /// <summary>A unique valid Milan landline, written as a person would type it.</summary>
    static string Number() => "02 " + Random.Shared.Next(1000_0000, 9999_9999);

    static string E164(string typed) => "+39" + typed.Replace(" ", "");

    [Fact]
    public async Task A_service_is_created_with_its_number_in_E164_operators_and_portfolio_type()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var type = await kit.PortfolioTypeAsync();
        var (op, opClient, _) = await kit.UserAsync(Roles.Operator, null, withSubject: false);
        var number = Number();
        var code = ("S" + AccessKit.Unique()).ToUpperInvariant();
        var response = await admin.PostAsJsonAsync("/api/v1/inbound-services", new
        {
            code = code.ToLowerInvariant(), name = "Assistenza", number, portfolioTypeId = type.Id, operatorUserIds = new[] { op.Id, op.Id }, lastContacts = 5,
        });
        var created = await AccessKit.OkAsync<InboundServiceDto>(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(code, created.Code);
        Assert.Equal(E164(number), created.Number);
        Assert.Equal(type.Name, created.PortfolioType);
        Assert.Equal(op.Id, Assert.Single(created.Operators).UserId);
        Assert.Equal(5, created.LastContacts);
        Assert.True(created.Active);

        // Operators read the table (the phone bar and routing need it); they do not edit it.
        var listed = await opClient.GetFromJsonAsync<List<InboundServiceDto>>("/api/v1/inbound-services");
        Assert.Contains(listed!, s => s.Id == created.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await opClient.PostAsJsonAsync("/api/v1/inbound-services", new { code = "X" })).StatusCode);
    }

    [Fact]
    public async Task Bad_input_names_each_field_and_duplicates_conflict()
    {
        using var admin = await App.CreateAdminClientAsync();
        var bad = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-services", new
        {
            code = "", name = "", number = "12", portfolioTypeId = 987654, operatorUserIds = new[] { "nessuno" }, lastContacts = 21,
        }), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "code", "name", "number", "portfolioTypeId", "operatorUserIds", "lastContacts" })
            AccessKit.AssertFieldError(bad, field);

        var number = Number();
        await AccessKit.OkAsync<InboundServiceDto>(await admin.PostAsJsonAsync("/api/v1/inbound-services", new { code = "S" + AccessKit.Unique(), name = "Uno", number }));
        // The same number written another way is the same number.
        var sameNumber = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-services",
            new { code = "S" + AccessKit.Unique(), name = "Due", number = "+39" + number.Replace(" ", "") }), HttpStatusCode.Conflict);
        AccessKit.AssertFieldError(sameNumber, "number");
    }

    [Fact]
    public async Task Edits_need_the_version_read_and_used_services_are_not_deleted()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var (op, _, _) = await kit.UserAsync(Roles.Operator, null, withSubject: false);
        var s = await AccessKit.OkAsync<InboundServiceDto>(await admin.PostAsJsonAsync("/api/v1/inbound-services",
            new { code = "S" + AccessKit.Unique(), name = "Uno", number = Number(), operatorUserIds = new[] { op.Id } }));
        var edited = await AccessKit.OkAsync<InboundServiceDto>(await admin.PutAsJsonAsync($"/api/v1/inbound-services/{s.Id}",
            new { s.Code, name = "Uno bis", s.Number, operatorUserIds = Array.Empty<string>(), lastContacts = 0, active = false, s.Version }));
        Assert.Equal("Uno bis", edited.Name);
        Assert.Empty(edited.Operators);
        Assert.False(edited.Active);
        Assert.Equal(s.Version + 1, edited.Version);
        await AccessKit.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/inbound-services/{s.Id}",
            new { s.Code, name = "Stale", s.Number, s.Version }), HttpStatusCode.Conflict);
        var noVersion = await AccessKit.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/inbound-services/{s.Id}",
            new { s.Code, name = "x", s.Number }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(noVersion, "version");

        // A disabled user cannot be listed as an operator.
        var off = await admin.PutAsJsonAsync($"/api/v1/users/{op.Id}", new { userName = op.UserName, roles = op.Roles, disabled = true });
        Assert.True(off.IsSuccessStatusCode);
        var disabled = await AccessKit.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/inbound-services/{s.Id}",
            new { s.Code, name = "x", s.Number, operatorUserIds = new[] { op.Id }, version = edited.Version }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(disabled, "operatorUserIds");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/inbound-services/{s.Id}")).StatusCode);
        await AccessKit.ProblemAsync(await admin.DeleteAsync($"/api/v1/inbound-services/{s.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_seeded_codes_are_listed_by_kind()
    {
        using var admin = await App.CreateAdminClientAsync();
        var outcomes = await admin.GetFromJsonAsync<List<InboundCodeDto>>("/api/v1/inbound-codes?kind=outcome");
        Assert.Contains(outcomes!, c => c.Code == "OK" && c.Resolves);
        Assert.Contains(outcomes!, c => c.Code == "RICHIAMO" && !c.Resolves);
        Assert.All(outcomes!, c => Assert.Equal("outcome", c.Kind));
        var details = await admin.GetFromJsonAsync<List<InboundCodeDto>>("/api/v1/inbound-codes?kind=GroupDetail");
        Assert.All(details!, d => Assert.NotNull(d.GroupId));
        var problem = await AccessKit.ProblemAsync(await admin.GetAsync("/api/v1/inbound-codes?kind=colore"), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(problem, "kind");
    }

    [Fact]
    public async Task A_group_detail_needs_an_existing_group_and_codes_are_deactivated_not_deleted()
    {
        using var admin = await App.CreateAdminClientAsync();
        var noGroup = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "groupDetail", code = "D" + AccessKit.Unique(), description = "Dettaglio" }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(noGroup, "groupId");
        var notAGroup = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "groupDetail", code = "D" + AccessKit.Unique(), description = "Dettaglio", groupId = 1 }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(notAGroup, "groupId");
        var badKind = await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "1", code = "X", description = "x" }), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(badKind, "kind");

        var group = await AccessKit.OkAsync<InboundCodeDto>(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "group", code = "G" + AccessKit.Unique(), description = "Gruppo nuovo" }));
        var detail = await AccessKit.OkAsync<InboundCodeDto>(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "groupDetail", code = "D" + AccessKit.Unique(), description = "Dettaglio nuovo", groupId = group.Id }));
        Assert.Equal(group.Id, detail.GroupId);
        await AccessKit.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "group", code = group.Code, description = "Doppio" }), HttpStatusCode.Conflict);
        var pending = await AccessKit.OkAsync<InboundCodeDto>(await admin.PostAsJsonAsync("/api/v1/inbound-codes",
            new { kind = "outcome", code = "O" + AccessKit.Unique(), description = "In attesa di documenti", resolves = false }));
        Assert.False(pending.Resolves);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var closing = await scope.ServiceProvider.GetRequiredService<InboundCodeService>().ListForClosingAsync();
            Assert.Contains(closing.Groups, g => g.Id == group.Id);
            Assert.Equal(detail.Id, Assert.Single(closing.DetailsOf(group.Id)).Id);
            Assert.Contains(closing.Outcomes, o => o.Id == pending.Id && !o.Resolves);
            Assert.NotEmpty(closing.Actions);
        }

        var retired = await AccessKit.OkAsync<InboundCodeDto>(await admin.PutAsJsonAsync($"/api/v1/inbound-codes/{group.Id}",
            new { code = group.Code, description = group.Description, active = false }));
        Assert.False(retired.Active);
        await AccessKit.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/inbound-codes/{group.Id}",
            new { kind = "action", code = group.Code, description = group.Description }), HttpStatusCode.BadRequest);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var closing = await scope.ServiceProvider.GetRequiredService<InboundCodeService>().ListForClosingAsync();
            Assert.DoesNotContain(closing.Groups, g => g.Id == group.Id);
            Assert.DoesNotContain(closing.GroupDetails, d => d.Id == detail.Id);
        }
        var all = await admin.GetFromJsonAsync<List<InboundCodeDto>>("/api/v1/inbound-codes?kind=group");
        Assert.Contains(all!, g => g.Id == group.Id && !g.Active);
    }
}

public sealed class InboundAdminApiTests_Sqlite(SqliteAppFixture f) : InboundAdminApiTests<SqliteAppFixture>(f);
public sealed class InboundAdminApiTests_Postgres(PostgresAppFixture f) : InboundAdminApiTests<PostgresAppFixture>(f);
