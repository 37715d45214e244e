using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;
using Schedario.Web.Organization;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;

namespace Schedario.Tests.Access;

/// <summary>Subjects are assignable by import: agency by code, owner and referrer by name, the owner's portfolio by code.</summary>
public abstract class ImportSubjectsTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    [Fact]
    public async Task A_file_names_agency_owner_and_referrer_and_unknown_ones_are_row_errors()
    {
        var app = fixture.Factory;
        using var admin = await app.CreateAdminClientAsync();
        var kit = new AccessKit(app, admin);
        var agency = await kit.AgencyAsync();
        var mobile = await kit.PortfolioTypeAsync();
        await kit.PortfolioTypeAsync();   // two types: a file must say which one the owner holds
        var (user, client, subjectId) = await kit.UserAsync(Roles.Operator, agency.Id);
        var owner = (await admin.GetFromJsonAsync<List<SubjectDto>>("/api/v1/subjects"))!.Single(s => s.Id == subjectId);
        var referrer = await kit.SubjectAsync("referrer", null);
        var tag = "Isub" + AccessKit.Unique();
        string Mobile() => "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);

        var csv = new StringBuilder("Codice cliente;Cognome;Nome;Cellulare;Agenzia;Proprietario;Portafoglio;Segnalatore\n");
        csv.Append($"{tag}-1;{tag}a;Anna;{Mobile()};{agency.Code};{owner.Name.ToUpperInvariant()};{mobile.Code};{referrer.Name}\n");
        csv.Append($"{tag}-2;{tag}b;Bruno;{Mobile()};NESSUNA;;;\n");                        // unknown agency
        csv.Append($"{tag}-3;{tag}c;Carla;{Mobile()};;{owner.Name};;\n");                    // owner without a portfolio type
        csv.Append($"{tag}-4;{tag}d;Dario;{Mobile()};;Mister X;{mobile.Code};\n");           // unknown owner
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "soggetti.csv");
        form.Add(new StringContent(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Codice cliente"] = "externalId", ["Cognome"] = "lastName", ["Nome"] = "firstName", ["Cellulare"] = "mobile",
            ["Agenzia"] = "agency", ["Proprietario"] = "owner", ["Portafoglio"] = "ownerPortfolio", ["Segnalatore"] = "referrer",
        })), "mapping");
        var started = (await (await admin.PostAsync("/api/v1/imports", form)).Content.ReadFromJsonAsync<ImportJobDto>())!;
        ImportJobDto job;
        var waited = 0;
        do
        {
            await Task.Delay(100);
            job = (await admin.GetFromJsonAsync<ImportJobDto>($"/api/v1/imports/{started.Id}"))!;
        } while (job.Status is not ("completed" or "failed") && ++waited < 300);
        Assert.Equal("completed", job.Status);
        Assert.Equal((1, 3), (job.Inserted, job.Failed));

        var errors = await admin.GetStringAsync($"/api/v1/imports/{job.Id}/errors");
        Assert.Contains("3;agency;", errors);
        Assert.Contains("4;ownerPortfolio;", errors);
        Assert.Contains("5;owner;", errors);

        var record = (await admin.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}a"))!.Items.Single();
        var subjects = (await admin.GetFromJsonAsync<RecordSubjectsDto>($"/api/v1/customers/{record.Id}/subjects"))!;
        Assert.Equal(agency.Id, subjects.AgencyId);
        Assert.Equal(referrer.Id, subjects.ReferrerId);
        var owned = Assert.Single(subjects.Owners);
        Assert.Equal((mobile.Id, subjectId!.Value), (owned.PortfolioTypeId, owned.SubjectId));

        // The owner's user now sees the record.
        Assert.Equal([record.Id], (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}"))!.Items.Select(i => i.Id));
        _ = user;
    }
}

public sealed class ImportSubjectsTests_Sqlite(SqliteAppFixture f) : ImportSubjectsTests<SqliteAppFixture>(f);
public sealed class ImportSubjectsTests_Postgres(PostgresAppFixture f) : ImportSubjectsTests<PostgresAppFixture>(f);
