using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>Importing the Registro Pubblico delle Opposizioni's list: malformed lines, replacement, idempotence, bad files.</summary>
public abstract class RegisterImportTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;
    ComplianceKit Kit => new(App);

    Task<(int Register, int All, int Checks)> CountsAsync() => Kit.WithDbAsync(async db => (
        await db.DoNotCall().CountAsync(d => d.Source == DoNotCallSource.Register),
        await db.DoNotCall().CountAsync(),
        await db.OppositionRegisterChecks().CountAsync()));

    [Fact]
    public async Task Malformed_lines_are_reported_with_their_line_numbers_and_the_valid_ones_are_kept()
    {
        using var admin = await App.CreateAdminClientAsync();
        string a = ComplianceKit.Mobile(), b = ComplianceKit.Mobile(), c = ComplianceKit.Mobile(), landline = "+3902" + Random.Shared.Next(1000_0000, 9999_9999);
        var file = string.Join("\r\n",
            "numero;data iscrizione",                       // 1 header
            $"{ComplianceKit.National(a)};2026-01-10",      // 2 national, CSV
            $"{b}",                                         // 3 +39
            "",                                             // 4 blank
            "chiamami pure",                                // 5 malformed
            "12",                                           // 6 malformed
            $"\"{landline[3..]}\",x",                       // 7 quoted landline, comma CSV
            $"0039{c[3..]}",                                // 8 0039 form
            $"{ComplianceKit.National(b)}",                 // 9 duplicate of 3
            "   ",                                          // 10 blank
            "+39 999") + "\r\n";                            // 11 malformed
        var response = await ComplianceKit.UploadAsync(admin, file, "registro-2026.csv");
        var result = await AccessKit.OkAsync<RegisterImportResult>(response);
        Assert.Equal(8, result.Lines);
        Assert.Equal(4, result.Listed);
        Assert.Equal(3, result.Malformed);
        Assert.Equal([5, 6, 11], result.MalformedLines.Select(m => m.Line));
        Assert.Equal("chiamami pure", result.MalformedLines[0].Text);
        Assert.Equal("registro-2026.csv", result.FileName);
        var register = await ComplianceKit.ListAsync(admin, "source=register&pageSize=200");
        Assert.Equal(new[] { a, b, c, landline }.Order(), register.Items.Select(i => i.Number).Order());
        Assert.All(register.Items, i => Assert.Equal("register", i.Source));

        var history = await admin.GetFromJsonAsync<RegisterHistory>("/api/v1/do-not-call/register");
        var check = history!.Checks[0];
        Assert.Equal(result.CheckId, check.Id);
        Assert.Equal((8, 4, result.Added, 3), (check.Lines, check.Listed, check.Added, check.Malformed));
        Assert.False(history.Stale);
        Assert.NotNull(history.LastCheckAt);
    }

    [Fact]
    public async Task Re_importing_changes_nothing_but_records_the_check_and_numbers_no_longer_listed_leave_without_touching_opt_outs()
    {
        using var admin = await App.CreateAdminClientAsync();
        string keep = ComplianceKit.Mobile(), dropped = ComplianceKit.Mobile(), optedOut = ComplianceKit.Mobile(), manual = ComplianceKit.Mobile();
        var first = await ComplianceKit.RegisterAsync(admin, keep, dropped, optedOut, manual);
        Assert.Equal(4, first.Listed);

        var again = await ComplianceKit.RegisterAsync(admin, keep, dropped, optedOut, manual);
        Assert.Equal((0, 0, 4), (again.Added, again.Removed, again.Listed));
        Assert.NotEqual(first.CheckId, again.CheckId);

        // The person asked on a call; an administrator added another by hand.
        await Kit.WithDbAsync(async db =>
        {
            await new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System)).AddOptOutAsync([optedOut], null, "test", "al telefono");
        });
        await AccessKit.OkAsync<DoNotCallDto>(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = ComplianceKit.National(manual), note = "richiesta via PEC" }));
        var before = await CountsAsync();

        var fresh = ComplianceKit.Mobile();
        var next = await ComplianceKit.RegisterAsync(admin, keep, fresh);
        Assert.Equal((1, 3, 2), (next.Added, next.Removed, next.Listed));
        Assert.Equal(["register"], await ComplianceKit.SourcesAsync(admin, keep));
        Assert.Equal(["register"], await ComplianceKit.SourcesAsync(admin, fresh));
        Assert.Empty(await ComplianceKit.SourcesAsync(admin, dropped));
        Assert.Equal(["optOut"], await ComplianceKit.SourcesAsync(admin, optedOut));
        Assert.Equal(["manual"], await ComplianceKit.SourcesAsync(admin, manual));
        var after = await CountsAsync();
        Assert.Equal(2, after.Register);
        Assert.Equal(before.All - 2, after.All);
        Assert.Equal(before.Checks + 1, after.Checks);
    }

    [Fact]
    public async Task Two_imports_at_once_take_turns_and_the_list_is_one_of_the_two_files()
    {
        using var admin = await App.CreateAdminClientAsync();
        var shared = Enumerable.Range(0, 300).Select(_ => ComplianceKit.Mobile()).ToArray();
        string[] one = [.. shared, .. Enumerable.Range(0, 50).Select(_ => ComplianceKit.Mobile())], two = [.. shared, .. Enumerable.Range(0, 70).Select(_ => ComplianceKit.Mobile())];
        var results = await Task.WhenAll(Task.Run(() => ComplianceKit.RegisterAsync(admin, one)), Task.Run(() => ComplianceKit.RegisterAsync(admin, two)));
        Assert.All(results, r => Assert.Equal(0, r.Malformed));
        var listed = (await ComplianceKit.ListAsync(admin, "source=register&pageSize=200&page=1")).Total;
        Assert.Contains(listed, new[] { one.Distinct().Count(), two.Distinct().Count() });
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    [InlineData("numero\n")]
    [InlineData("numero\nabc\n12\n+39 999\n")]
    public async Task An_empty_or_all_malformed_file_is_refused_naming_the_file_and_changes_nothing(string content)
    {
        using var admin = await App.CreateAdminClientAsync();
        await ComplianceKit.RegisterAsync(admin, ComplianceKit.Mobile(), ComplianceKit.Mobile());
        var before = await CountsAsync();
        var problem = await AccessKit.ProblemAsync(await ComplianceKit.UploadAsync(admin, content), HttpStatusCode.BadRequest);
        AccessKit.AssertFieldError(problem, "file");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_request_without_a_file_is_refused_naming_the_file()
    {
        using var admin = await App.CreateAdminClientAsync();
        var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        AccessKit.AssertFieldError(await AccessKit.ProblemAsync(await admin.PostAsync("/api/v1/do-not-call/register", form), HttpStatusCode.BadRequest), "file");
    }
}

public sealed class RegisterImportTests_Sqlite(SqliteAppFixture f) : RegisterImportTests<SqliteAppFixture>(f);
public sealed class RegisterImportTests_Postgres(PostgresAppFixture f) : RegisterImportTests<PostgresAppFixture>(f);
