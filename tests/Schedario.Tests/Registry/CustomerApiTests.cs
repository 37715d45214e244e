using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Registry;

namespace Schedario.Tests.Registry;

/// <summary>The registry's REST API end to end, on SQLite and on PostgreSQL.</summary>
public abstract class CustomerApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    protected SchedarioAppFactory App => fixture.Factory;

    static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A valid person whose surname is unique to the test, so tests sharing a database never collide.</summary>
    internal static CustomerInput Person(string lastName, string? phone = "333 123 4567", string? email = null) => new()
    {
        Kind = "person", Stage = "lead", FirstName = "mario", LastName = lastName,
        TaxCode = "RSSMRA85T10A562S",
        Addresses = [new AddressDto(null, "via roma", "1", "20121", "milano", "mi", null, null)],
        Phones = phone is null ? [] : [new PhoneDto(null, phone, null, true)],
        Emails = email is null ? [] : [new EmailDto(email, true)],
        Consents = [new ConsentDto("marketing", "phone", true, null, "telefonata", null)],
    };

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static void AssertFieldError(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on '{field}' in {problem}");

    [Fact]
    public async Task Anonymous_calls_get_401_and_a_token_opens_the_api()
    {
        using var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/customers")).StatusCode);

        var bad = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = "admin", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        await ProblemAsync(bad);

        var good = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = "admin", password = SchedarioAppFactory.AdminPassword });
        var token = await good.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(token.GetProperty("accessToken").GetString()));
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);
    }

    [Fact]
    public async Task Creating_a_person_normalises_every_field()
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "norm" + Unique();
        var response = await client.PostAsJsonAsync("/api/v1/customers", Person(last.ToUpperInvariant(), "0039 333-123 4567", "Mario.Rossi@Example.IT") with
        {
            FirstName = "MARIO", TaxCode = "rssmra 85t10 a562s",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var c = (await response.Content.ReadFromJsonAsync<CustomerDto>())!;
        Assert.Equal("Mario", c.FirstName);
        Assert.Equal(char.ToUpperInvariant(last[0]) + last[1..], c.LastName);
        Assert.Equal("RSSMRA85T10A562S", c.TaxCode);
        Assert.Equal("+393331234567", Assert.Single(c.Phones).E164);
        Assert.Equal("0039 333-123 4567", c.Phones[0].Number);
        Assert.True(c.Phones[0].IsMain);
        Assert.Equal("mobile", c.Phones[0].Type);
        Assert.Equal("mario.rossi@example.it", Assert.Single(c.Emails).Address);
        var address = Assert.Single(c.Addresses);
        Assert.Equal(("MI", "Lombardia", "Milano", "20121"), (address.Province, address.Region, address.City, address.PostalCode));
        Assert.Equal(1, c.Version);
        Assert.Equal("admin", c.CreatedBy);
        Assert.Contains(c.Consents, x => x is { Purpose: "marketing", Channel: "phone", Given: true });

        var read = await client.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{c.Id}");
        Assert.Equal(c.DisplayName, read!.DisplayName);
    }

    [Theory]
    [InlineData("taxCode", "RSSMRA85T10A562X")]
    [InlineData("phones[0].number", "12")]
    [InlineData("emails[0].address", "mario@@example")]
    [InlineData("addresses[0].province", "ZZ")]
    [InlineData("addresses[0].postalCode", "2012A")]
    [InlineData("lastName", "Abcdefghij")] // repeated past the column's 100 characters below
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_saved(string field, string value)
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "bad" + Unique();
        var input = Person(last, email: "ok@example.it");
        input = field switch
        {
            "taxCode" => input with { TaxCode = value },
            "phones[0].number" => input with { Phones = [new PhoneDto(null, value, null, true)] },
            "emails[0].address" => input with { Emails = [new EmailDto(value, true)] },
            "lastName" => input with { LastName = string.Concat(Enumerable.Repeat(value, 11)) + last },
            "addresses[0].province" => input with { Addresses = [new AddressDto(null, "via roma", "1", "20121", "Milano", value, null, null)] },
            _ => input with { Addresses = [new AddressDto(null, "via roma", "1", value, "Milano", "MI", null, null)] },
        };
        var response = await client.PostAsJsonAsync("/api/v1/customers", input);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertFieldError(await ProblemAsync(response), field);
        var found = await client.GetFromJsonAsync<List<CustomerSummary>>($"/api/v1/customers/search?q={last}");
        Assert.Empty(found!);
    }

    [Fact]
    public async Task A_company_needs_a_valid_partita_iva()
    {
        using var client = await App.CreateAdminClientAsync();
        var company = new CustomerInput { Kind = "company", CompanyName = "Impianti " + Unique(), LegalForm = "S.r.l.", VatNumber = "00488410011" };
        var bad = await client.PostAsJsonAsync("/api/v1/customers", company);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        AssertFieldError(await ProblemAsync(bad), "vatNumber");

        var good = await client.PostAsJsonAsync("/api/v1/customers", company with
        {
            VatNumber = "IT 00488410010",
            Referents = [new ReferentDto(null, "anna", "bianchi", "Acquisti", [new PhoneDto(null, "02 1234 5678", null, true)], [])],
            Sites = [new SiteDto(null, "Magazzino", "via po", "3", "10121", "Torino", "to", null)],
        });
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var c = (await good.Content.ReadFromJsonAsync<CustomerDto>())!;
        Assert.Equal("00488410010", c.VatNumber);
        Assert.Equal("Anna", Assert.Single(c.Referents).FirstName);
        Assert.Equal("Piemonte", Assert.Single(c.Sites).Region);
    }

    [Fact]
    public async Task Unknown_ids_answer_404()
    {
        using var client = await App.CreateAdminClientAsync();
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/v1/customers/{id}", Person("x") with { Version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/customers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{id}/characteristics")).StatusCode);
    }

    [Fact]
    public async Task The_second_of_two_concurrent_saves_gets_409_and_loses_nothing_silently()
    {
        using var client = await App.CreateAdminClientAsync();
        var created = (await (await client.PostAsJsonAsync("/api/v1/customers", Person("conc" + Unique()))).Content.ReadFromJsonAsync<CustomerDto>())!;
        var first = CustomerMapping.ToInput(created) with { Notes = "first" };
        var second = CustomerMapping.ToInput(created) with { Notes = "second" };

        var ok = await client.PutAsJsonAsync($"/api/v1/customers/{created.Id}", first);
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        Assert.Equal(2, (await ok.Content.ReadFromJsonAsync<CustomerDto>())!.Version);

        var conflict = await client.PutAsJsonAsync($"/api/v1/customers/{created.Id}", second);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        await ProblemAsync(conflict);
        var now = await client.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{created.Id}");
        Assert.Equal("first", now!.Notes);

        var missingVersion = await client.PutAsJsonAsync($"/api/v1/customers/{created.Id}", second with { Version = null });
        Assert.Equal(HttpStatusCode.BadRequest, missingVersion.StatusCode);
    }

    [Fact]
    public async Task A_deleted_record_leaves_lists_and_answers_404()
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "del" + Unique();
        var created = (await (await client.PostAsJsonAsync("/api/v1/customers", Person(last))).Content.ReadFromJsonAsync<CustomerDto>())!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/customers/{created.Id}?version=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{created.Id}")).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<List<CustomerSummary>>($"/api/v1/customers/search?q={last}"))!);
    }

    [Fact]
    public async Task A_duplicate_external_id_is_a_409_conflict()
    {
        using var client = await App.CreateAdminClientAsync();
        var ext = "EXT-" + Unique();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/customers", Person("ext" + Unique()) with { ExternalId = ext })).StatusCode);
        var again = await client.PostAsJsonAsync("/api/v1/customers", Person("ext" + Unique()) with { ExternalId = ext });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Caller_id_lookup_finds_records_and_referents_from_any_format()
    {
        using var client = await App.CreateAdminClientAsync();
        var mobile = "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var person = (await (await client.PostAsJsonAsync("/api/v1/customers", Person("look" + Unique(), mobile))).Content.ReadFromJsonAsync<CustomerDto>())!;
        var landline = "02" + Random.Shared.Next(1_000_000, 9_999_999);
        var company = (await (await client.PostAsJsonAsync("/api/v1/customers", new CustomerInput
        {
            Kind = "company", CompanyName = "Lookup " + Unique(),
            Referents = [new ReferentDto(null, "Anna", "Neri", null, [new PhoneDto(null, landline, null, true)], [])],
        })).Content.ReadFromJsonAsync<CustomerDto>())!;

        foreach (var typed in new[] { mobile, $"+39 {mobile[..3]} {mobile[3..]}", $"0039{mobile}", $"{mobile[..3]}-{mobile[3..6]}.{mobile[6..]}" })
        {
            var result = await client.GetFromJsonAsync<LookupResult>($"/api/v1/customers/lookup?phone={Uri.EscapeDataString(typed)}");
            var match = Assert.Single(result!.Matches);
            Assert.Equal(person.Id, match.CustomerId);
            Assert.Equal("+39" + mobile, match.MatchedPhone);
        }
        var viaReferent = await client.GetFromJsonAsync<LookupResult>($"/api/v1/customers/lookup?phone={Uri.EscapeDataString("+39 " + landline)}");
        Assert.Equal(company.Id, Assert.Single(viaReferent!.Matches).CustomerId);

        var none = await client.GetFromJsonAsync<LookupResult>("/api/v1/customers/lookup?phone=%2B390699999999");
        Assert.Empty(none!.Matches);
        var invalid = await client.GetAsync("/api/v1/customers/lookup?phone=abc");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        AssertFieldError(await ProblemAsync(invalid), "phone");
    }

    [Fact]
    public async Task Quick_search_understands_names_phones_emails_tax_codes_vat_numbers_and_cities()
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "Quick" + Unique();
        var mobile = "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var email = $"{last.ToLowerInvariant()}@example.it";
        var person = (await (await client.PostAsJsonAsync("/api/v1/customers", Person(last, mobile, email) with { FirstName = "Gianluca" })).Content.ReadFromJsonAsync<CustomerDto>())!;

        async Task<List<CustomerSummary>> Search(string q) => (await client.GetFromJsonAsync<List<CustomerSummary>>($"/api/v1/customers/search?q={Uri.EscapeDataString(q)}&limit=50"))!;

        Assert.Contains(await Search(last[..9]), c => c.Id == person.Id);                       // partial surname
        Assert.Contains(await Search($"gianluca {last[..7]}"), c => c.Id == person.Id);         // first name first
        Assert.Contains(await Search($"{mobile[..3]} {mobile[3..]}"), c => c.Id == person.Id);  // national format
        Assert.Contains(await Search(email), c => c.Id == person.Id);
        Assert.Contains(await Search("rssmra85t10a562s"), c => c.Id == person.Id);
        Assert.Contains(await Search("milano"), c => c.City == "Milano");
        Assert.Empty(await Search("zzzz" + Unique()));
    }

    [Fact]
    public async Task The_list_filters_by_province_and_pages_with_a_cursor_without_gaps_or_repeats()
    {
        using var client = await App.CreateAdminClientAsync();
        var tag = "Page" + Unique();
        for (var i = 0; i < 7; i++)
        {
            var input = Person($"{tag}{(char)('a' + i)}") with
            {
                Addresses = [new AddressDto(null, "via", "1", "90100", "Palermo", "PA", null, null)],
                TaxCode = null, Phones = [],
            };
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/customers", input)).StatusCode);
        }
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/customers?province=PA&q={tag}&limit=3&total=true" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = (await client.GetFromJsonAsync<CustomerPage>(url))!;
            Assert.Equal(7, page.Total);
            Assert.All(page.Items, c => Assert.Equal("PA", c.Province));
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Distinct().Count());

        var none = (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?province=AO&q={tag}"))!;
        Assert.Empty(none.Items);
        var badProvince = await client.GetAsync("/api/v1/customers?province=XX");
        Assert.Equal(HttpStatusCode.BadRequest, badProvince.StatusCode);
        var badCursor = await client.GetAsync("/api/v1/customers?cursor=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task Characteristics_keep_their_history_and_drive_the_filter()
    {
        using var client = await App.CreateAdminClientAsync();
        var code = "T" + Unique().ToUpperInvariant();
        var defResponse = await client.PostAsJsonAsync("/api/v1/characteristics", new { code, description = "Ama viaggiare", category = "Interessi" });
        Assert.Equal(HttpStatusCode.Created, defResponse.StatusCode);
        var def = (await defResponse.Content.ReadFromJsonAsync<CharacteristicDto>())!;
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/characteristics", new { code, description = "x" })).StatusCode);

        var tag = "Char" + Unique();
        var withIt = (await (await client.PostAsJsonAsync("/api/v1/customers", Person(tag + "a"))).Content.ReadFromJsonAsync<CustomerDto>())!;
        var without = (await (await client.PostAsJsonAsync("/api/v1/customers", Person(tag + "b"))).Content.ReadFromJsonAsync<CustomerDto>())!;

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/customers/{withIt.Id}/characteristics", new { characteristicId = def.Id, date = "2025-03-01", note = "detto al telefono" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/customers/{withIt.Id}/characteristics", new { code, date = "2026-01-15" })).StatusCode);
        var list = (await client.GetFromJsonAsync<List<CustomerCharacteristicDto>>($"/api/v1/customers/{withIt.Id}/characteristics"))!;
        Assert.Equal(2, list.Count);
        Assert.Equal(new DateOnly(2026, 1, 15), Assert.Single(list, x => x.Current).Date);
        Assert.Equal("detto al telefono", Assert.Single(list, x => !x.Current).Note);

        var future = await client.PostAsJsonAsync($"/api/v1/customers/{withIt.Id}/characteristics", new { code, date = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        AssertFieldError(await ProblemAsync(future), "date");
        var unknown = await client.PostAsJsonAsync($"/api/v1/customers/{withIt.Id}/characteristics", new { code = "NOPE" + Unique() });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        async Task<List<Guid>> Filter(string query) => (await client.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}&{query}"))!.Items.Select(i => i.Id).ToList();
        Assert.Equal([withIt.Id], await Filter($"characteristic={code}"));
        Assert.Equal([withIt.Id], await Filter($"characteristic={code}:2026-01-01:2026-12-31"));
        Assert.Empty(await Filter($"characteristic={code}:2024-01-01:2024-12-31"));
        Assert.Equal([without.Id], await Filter($"withoutCharacteristic={code}"));
        Assert.Equal(2, (await Filter("consent=marketing:phone")).Count);
        Assert.Empty(await Filter("consent=marketing:sms"));

        // Retiring stops new assignments but keeps history.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/characteristics/{def.Id}", new { active = false })).StatusCode);
        var retired = await client.PostAsJsonAsync($"/api/v1/customers/{without.Id}/characteristics", new { code });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retired.StatusCode);
        Assert.Equal(2, (await client.GetFromJsonAsync<List<CustomerCharacteristicDto>>($"/api/v1/customers/{withIt.Id}/characteristics"))!.Count);

        // Removing from every record says how many it touches first.
        var preview = (await client.GetFromJsonAsync<RemovalPreview>($"/api/v1/characteristics/{def.Id}/removal"))!;
        Assert.Equal((1, 2), (preview.Records, preview.Assignments));
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/characteristics/{def.Id}/assignments")).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<List<CustomerCharacteristicDto>>($"/api/v1/customers/{withIt.Id}/characteristics"))!);
    }

    [Fact]
    public async Task Removing_a_characteristic_from_one_record()
    {
        using var client = await App.CreateAdminClientAsync();
        var code = "R" + Unique().ToUpperInvariant();
        var def = (await (await client.PostAsJsonAsync("/api/v1/characteristics", new { code, description = "Possiede un PC" })).Content.ReadFromJsonAsync<CharacteristicDto>())!;
        var c = (await (await client.PostAsJsonAsync("/api/v1/customers", Person("rem" + Unique()))).Content.ReadFromJsonAsync<CustomerDto>())!;
        await client.PostAsJsonAsync($"/api/v1/customers/{c.Id}/characteristics", new { code });
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/customers/{c.Id}/characteristics/{def.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/customers/{c.Id}/characteristics/{def.Id}")).StatusCode);
    }

    [Fact]
    public async Task Health_openapi_and_metrics()
    {
        using var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        var doc = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/customers/lookup", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var admin = await App.CreateAdminClientAsync();
        var metrics = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }
}

public sealed class CustomerApiTests_Sqlite(SqliteAppFixture f) : CustomerApiTests<SqliteAppFixture>(f);
public sealed class CustomerApiTests_Postgres(PostgresAppFixture f) : CustomerApiTests<PostgresAppFixture>(f);
