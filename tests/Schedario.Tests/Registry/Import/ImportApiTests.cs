using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using MiniExcelLibs;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;

namespace Schedario.Tests.Registry.Import;

public abstract class ImportApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    static string Tag() => "Imp" + Guid.NewGuid().ToString("N")[..6];
    static string Mobile() => "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    /// <summary>An Italian-style export: ';' separated, Italian headers, phones as people type them.</summary>
    static (string Csv, string DuplicatePhone) SampleCsv(string tag, string existingPhone)
    {
        var sb = new StringBuilder("Codice cliente;Cognome;Nome;Ragione sociale;Codice fiscale;Indirizzo;CAP;Comune;Provincia;Cellulare;Email;Consenso telefono\n");
        for (var i = 0; i < 7; i++)
            sb.Append($"{tag}-{i};{tag}{(char)('a' + i)};mario;;;via roma {i};20121;milano;MI;{Mobile()};{tag.ToLowerInvariant()}{i}@example.it;si\n");
        sb.Append($"{tag}-7;{tag}h;luca;;RSSMRA85T10A562X;via po;10121;torino;TO;{Mobile()};;no\n");          // bad codice fiscale
        sb.Append($"{tag}-8;{tag}i;anna;;;via po;10121;torino;TO;12;;si\n");                                  // bad phone
        sb.Append($"{tag}-9;{tag}j;ugo;;;via po;10121;torino;TO;{existingPhone};;si\n");                        // phone already in the registry
        sb.Append($"{tag}-10;;;{tag} Impianti S.r.l.;;viale europa 3;00144;roma;RM;06 1234 5678;;\n");       // a company
        sb.Append($"{tag}-11;{tag}{new string('k', 120)};ugo;;;via po;10121;torino;TO;;;\n");                 // a surname longer than the column
        return (sb.ToString(), existingPhone);
    }

    static MultipartFormDataContent Form(string content, string fileName, string? mode = null, string? mapping = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        if (mode is not null) form.Add(new StringContent(mode), "mode");
        if (mapping is not null) form.Add(new StringContent(mapping), "mapping");
        return form;
    }

    static async Task<ImportJobDto> WaitAsync(HttpClient client, Guid id)
    {
        for (var i = 0; i < 300; i++)
        {
            var job = (await client.GetFromJsonAsync<ImportJobDto>($"/api/v1/imports/{id}"))!;
            if (job.Status == "failed") throw new InvalidOperationException($"The import failed: {job.Error}");
            if (job.Status == "completed") return job;
            await Task.Delay(100);
        }
        throw new TimeoutException("The import did not finish in 30 s.");
    }

    async Task<(HttpClient Client, string Phone)> ClientWithExistingRecordAsync()
    {
        var client = await App.CreateAdminClientAsync();
        var phone = Mobile();
        var existing = await client.PostAsJsonAsync("/api/v1/customers", new CustomerInput { Kind = "person", LastName = "Esistente" + Tag(), Phones = [new PhoneDto(null, phone, null, true)] });
        existing.EnsureSuccessStatusCode();
        return (client, phone);
    }

    [Fact]
    public async Task Good_rows_import_bad_rows_are_reported_and_a_reimport_updates_without_duplicating()
    {
        var (client, phone) = await ClientWithExistingRecordAsync();
        using var _ = client;
        var tag = Tag();
        var (csv, _) = SampleCsv(tag, $"+39 {phone[..3]} {phone[3..]}");

        var started = await client.PostAsync("/api/v1/imports", Form(csv, "clienti.csv"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await WaitAsync(client, (await started.Content.ReadFromJsonAsync<ImportJobDto>())!.Id);
        Assert.Equal("completed", job.Status);
        Assert.Equal((12, 8, 0, 1, 3), (job.ProcessedRows, job.Inserted, job.Updated, job.Duplicates, job.Failed));

        var page = (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}&limit=50"))!;
        Assert.Equal(8, page.Items.Count);
        var mario = page.Items.Single(c => c.DisplayName == $"{tag}a Mario".Replace($"{tag}a", char.ToUpperInvariant(tag[0]) + tag[1..].ToLowerInvariant() + "a"));
        Assert.Equal(("MI", "Lombardia"), (mario.Province, mario.Region));
        Assert.StartsWith("+393", mario.MainPhone);
        var company = page.Items.Single(c => c.Kind == "company");
        Assert.Equal("Lazio", company.Region);
        var full = (await client.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{mario.Id}"))!;
        Assert.Contains(full.Consents, c => c is { Purpose: "marketing", Channel: "phone", Given: true, Source: "import" });

        var errors = await client.GetStringAsync($"/api/v1/imports/{job.Id}/errors");
        var lines = errors.Trim().Split('\n');
        Assert.Equal("riga;campo;errore;valori originali", lines[0].Trim('\uFEFF', '\r'));
        Assert.Contains(lines, l => l.StartsWith("9;taxCode;"));            // header is row 1: data row 8 is line 9
        Assert.Contains(lines, l => l.StartsWith("10;phones[0].number;"));
        Assert.Contains(lines, l => l.StartsWith("11;phone;") && l.Contains("+39" + phone));
        Assert.Contains(lines, l => l.StartsWith("13;lastName;") && l.Contains("100"));

        // The same file again: matched by external id, updated, nothing duplicated.
        var again = await WaitAsync(client, (await (await client.PostAsync("/api/v1/imports", Form(csv, "clienti.csv"))).Content.ReadFromJsonAsync<ImportJobDto>())!.Id);
        Assert.Equal((0, 8), (again.Inserted, again.Updated));
        Assert.Equal(8, (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}&limit=50"))!.Items.Count);

        // Insert-only mode skips known external ids.
        var insertOnly = await WaitAsync(client, (await (await client.PostAsync("/api/v1/imports", Form(csv, "clienti.csv", "insert"))).Content.ReadFromJsonAsync<ImportJobDto>())!.Id);
        Assert.Equal((0, 0, 9), (insertOnly.Inserted, insertOnly.Updated, insertOnly.Duplicates));

        // Reverting the first import removes the records it created.
        var reverted = await client.PostAsync($"/api/v1/imports/{job.Id}/revert", null);
        Assert.Equal(HttpStatusCode.OK, reverted.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}&limit=50"))!.Items);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync($"/api/v1/imports/{job.Id}/revert", null)).StatusCode);
    }

    [Fact]
    public async Task Preview_suggests_the_mapping_and_validates_the_first_rows_then_starts_from_the_upload()
    {
        var (client, phone) = await ClientWithExistingRecordAsync();
        using var _ = client;
        var tag = Tag();
        var response = await client.PostAsync("/api/v1/imports/preview", Form(SampleCsv(tag, phone).Csv, "anteprima.csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<ImportApi.PreviewResponse>())!;
        Assert.Equal("lastName", preview.Preview.SuggestedMapping["Cognome"]);
        Assert.Equal("taxCode", preview.Preview.SuggestedMapping["Codice fiscale"]);
        Assert.Equal("mobile", preview.Preview.SuggestedMapping["Cellulare"]);
        Assert.Equal("externalId", preview.Preview.SuggestedMapping["Codice cliente"]);
        Assert.Equal(12, preview.Preview.Rows.Count);
        Assert.True(preview.Preview.Rows.Single(r => r.Row == 9).Errors.ContainsKey("taxCode"));
        Assert.Empty(preview.Preview.Rows.Single(r => r.Row == 2).Errors);

        // Map only names and the external id, from the stored upload, through a saved template.
        var mapping = new Dictionary<string, string> { ["Codice cliente"] = "externalId", ["Cognome"] = "lastName", ["Nome"] = "firstName", ["Ragione sociale"] = "companyName" };
        var template = await client.PostAsJsonAsync("/api/v1/import-templates", new { name = "Solo nomi " + tag, mapping });
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        var templateId = (await template.Content.ReadFromJsonAsync<ImportTemplateDto>())!.Id;
        var form = new MultipartFormDataContent { { new StringContent(preview.UploadId), "uploadId" }, { new StringContent("anteprima.csv"), "fileName" }, { new StringContent(templateId.ToString()), "templateId" } };
        var job = await WaitAsync(client, (await (await client.PostAsync("/api/v1/imports", form)).Content.ReadFromJsonAsync<ImportJobDto>())!.Id);
        Assert.Equal((11, 1), (job.Inserted, job.Failed));
        Assert.Equal(mapping, job.Mapping);
    }

    [Fact]
    public async Task An_xlsx_file_imports_like_a_csv()
    {
        using var client = await App.CreateAdminClientAsync();
        var tag = Tag();
        var rows = Enumerable.Range(0, 5).Select(i => new Dictionary<string, object>
        {
            ["Cognome"] = $"{tag}{(char)('a' + i)}", ["Nome"] = "Sara", ["CAP"] = 184, ["Comune"] = "Roma", ["Provincia"] = "rm",
            ["Telefono"] = double.Parse(Mobile()),
        }).ToList();
        using var xlsx = new MemoryStream();
        xlsx.SaveAs(rows);
        var form = new MultipartFormDataContent { { new ByteArrayContent(xlsx.ToArray()), "file", "foglio.xlsx" } };
        var job = await WaitAsync(client, (await (await client.PostAsync("/api/v1/imports", form)).Content.ReadFromJsonAsync<ImportJobDto>())!.Id);
        Assert.Equal((5, 0), (job.Inserted, job.Failed));
        var one = (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}a"))!.Items.Single();
        Assert.Equal("RM", one.Province);
        var full = (await client.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{one.Id}"))!;
        Assert.Equal("00184", full.Addresses.Single().PostalCode); // Excel dropped the leading zeros
    }

    [Fact]
    public async Task Bad_requests_change_nothing()
    {
        using var client = await App.CreateAdminClientAsync();
        var noFile = await client.PostAsync("/api/v1/imports", new MultipartFormDataContent { { new StringContent("upsert"), "mode" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        var wrongType = await client.PostAsync("/api/v1/imports", Form("a;b\n1;2\n", "dati.pdf"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var badMapping = await client.PostAsync("/api/v1/imports", Form("Cognome;X\nRossi;1\n", "x.csv", mapping: JsonSerializer.Serialize(new Dictionary<string, string> { ["Cognome"] = "lastName", ["X"] = "shoeSize" })));
        Assert.Equal(HttpStatusCode.BadRequest, badMapping.StatusCode);
        Assert.Contains("shoeSize", await badMapping.Content.ReadAsStringAsync());
        var badMode = await client.PostAsync("/api/v1/imports", Form("Cognome\nRossi\n", "x.csv", mode: "merge"));
        Assert.Equal(HttpStatusCode.BadRequest, badMode.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/imports/{Guid.NewGuid()}")).StatusCode);
        Assert.DoesNotContain((await client.GetFromJsonAsync<List<ImportJobDto>>("/api/v1/imports"))!, j => j.FileName is "x.csv" or "dati.pdf");
    }

    [Fact]
    public async Task A_file_over_the_configured_size_is_refused_with_413()
    {
        using var small = App.WithWebHostBuilder(b => b.UseSetting("Schedario:Import:MaxFileMegabytes", "1"));
        var token = await App.GetTokenAsync("admin", SchedarioAppFactory.AdminPassword);
        using var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var big = "Cognome\n" + string.Concat(Enumerable.Repeat("Rossi\n", 400_000));
        var response = await client.PostAsync("/api/v1/imports", Form(big, "grande.csv"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Operators_cannot_import()
    {
        var userName = "op" + Tag().ToLowerInvariant();
        await App.CreateUserAsync(userName, "Operatore2026!", Schedario.Web.Identity.Roles.Operator);
        using var operatorClient = await App.CreateClientAsAsync(userName, "Operatore2026!");
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("/api/v1/imports", Form("Cognome\nRossi\n", "x.csv"))).StatusCode);
    }
}

public sealed class ImportApiTests_Sqlite(SqliteAppFixture f) : ImportApiTests<SqliteAppFixture>(f);
public sealed class ImportApiTests_Postgres(PostgresAppFixture f) : ImportApiTests<PostgresAppFixture>(f);
