using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Dedup;
using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Dedup;

/// <summary>Duplicate finding, dismissal and merge through the REST API, on SQLite and on PostgreSQL.</summary>
public abstract class DuplicateApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    protected SchedarioAppFactory App => fixture.Factory;

    static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Letters only, so a name makes a distinct codice fiscale.</summary>
    static string UniqueName() => new(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + c % 26)).ToArray());

    static string Mobile() => "333" + Random.Shared.Next(1_000_000, 9_999_999);

    static string TaxCode(string last, string first) =>
        CodiceFiscale.Compute(last, first, new DateOnly(1960, 1, 1).AddDays(Random.Shared.Next(0, 15000)), false, "F205");

    static string Vat()
    {
        var first10 = string.Concat(Enumerable.Range(0, 10).Select(_ => Random.Shared.Next(0, 10)));
        return first10 + PartitaIva.ComputeCheckDigit(first10);
    }

    static CustomerInput Person(string last, string first = "Mario", string city = "Milano", string? phone = null, string? email = null, string? taxCode = null) => new()
    {
        Kind = "person", Stage = "lead", FirstName = first, LastName = last, TaxCode = taxCode,
        Addresses = [new AddressDto(null, "Via Roma", "1", null, city, null, null, null)],
        Phones = phone is null ? [] : [new PhoneDto(null, phone, null, true)],
        Emails = email is null ? [] : [new EmailDto(email, true)],
    };

    static async Task<CustomerDto> CreateAsync(HttpClient client, CustomerInput input)
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", input);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CustomerDto>())!;
    }

    /// <summary>Walks every page (small pages, to exercise the cursor) and returns all pairs.</summary>
    static async Task<List<DuplicatePair>> AllPairsAsync(HttpClient client, int minScore = 0)
    {
        var all = new List<DuplicatePair>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/duplicates?minScore={minScore}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = (await client.GetFromJsonAsync<DuplicatePage>(url))!;
            Assert.True(page.Items.Count <= 3);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        // Ordered by score, highest first, and each pair once with the smaller id first.
        Assert.Equal(all.Select(p => p.Score).OrderDescending(), all.Select(p => p.Score));
        Assert.All(all, p => Assert.True(p.First.Id.CompareTo(p.Second.Id) < 0));
        Assert.Equal(all.Count, all.Select(p => (p.First.Id, p.Second.Id)).Distinct().Count());
        return all;
    }

    static DuplicatePair? PairOf(List<DuplicatePair> pairs, Guid a, Guid b) =>
        pairs.SingleOrDefault(p => (p.First.Id == a && p.Second.Id == b) || (p.First.Id == b && p.Second.Id == a));

    [Fact]
    public async Task The_same_phone_in_different_formats_makes_a_pair()
    {
        using var client = await App.CreateAdminClientAsync();
        var mobile = Mobile();
        var a = await CreateAsync(client, Person("Tel" + UniqueName(), city: "Torino", phone: $"{mobile[..3]} {mobile[3..]}"));
        var b = await CreateAsync(client, Person("Fon" + UniqueName(), city: "Bari", phone: $"+39 {mobile[..3]}-{mobile[3..6]}-{mobile[6..]}"));
        var pair = PairOf(await AllPairsAsync(client), a.Id, b.Id);
        Assert.NotNull(pair);
        Assert.Equal(["phone"], pair.Reasons);
        Assert.Equal(80, pair.Score);
        Assert.Equal("+39" + mobile, pair.First.MainPhone);
    }

    [Fact]
    public async Task The_same_email_in_another_case_makes_a_pair_but_a_referent_phone_does_not()
    {
        using var client = await App.CreateAdminClientAsync();
        var user = "anna." + Unique();
        var a = await CreateAsync(client, Person("Mail" + UniqueName(), city: "Torino", email: $"{user}@Example.it"));
        var b = await CreateAsync(client, Person("Posta" + UniqueName(), city: "Bari", email: $"{user.ToUpperInvariant()}@example.IT"));
        var pair = PairOf(await AllPairsAsync(client), a.Id, b.Id);
        Assert.NotNull(pair);
        Assert.Equal(["email"], pair.Reasons);
        Assert.Equal(70, pair.Score);

        // Two companies whose referent is the same consultant are not the same company.
        var consultant = Mobile();
        CustomerInput Company(string name) => new()
        {
            Kind = "company", CompanyName = name,
            Referents = [new ReferentDto(null, "Gino", "Consulente", null, [new PhoneDto(null, consultant, null, true)], [])],
        };
        var c1 = await CreateAsync(client, Company("Alfa " + Unique()));
        var c2 = await CreateAsync(client, Company("Beta " + Unique()));
        Assert.Null(PairOf(await AllPairsAsync(client), c1.Id, c2.Id));
    }

    [Fact]
    public async Task Tax_code_scores_100_and_reasons_add_up_capped()
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "Cf" + UniqueName();
        var cf = TaxCode(last, "Mario");
        var mobile = Mobile();
        var a = await CreateAsync(client, Person(last, city: "Torino", taxCode: cf, phone: mobile));
        var b = await CreateAsync(client, Person("Altro" + UniqueName(), city: "Bari", taxCode: cf.ToLowerInvariant(), phone: "0039" + mobile));
        var pair = PairOf(await AllPairsAsync(client), a.Id, b.Id);
        Assert.NotNull(pair);
        Assert.Equal(["taxCode", "phone"], pair.Reasons);
        Assert.Equal(100, pair.Score);
    }

    [Fact]
    public async Task Companies_with_the_same_vat_number_make_a_pair()
    {
        using var client = await App.CreateAdminClientAsync();
        var vat = Vat();
        var a = await CreateAsync(client, new CustomerInput { Kind = "company", CompanyName = "Gamma " + Unique(), VatNumber = vat });
        var b = await CreateAsync(client, new CustomerInput { Kind = "company", CompanyName = "Delta " + Unique(), VatNumber = "IT" + vat });
        var pair = PairOf(await AllPairsAsync(client), a.Id, b.Id);
        Assert.NotNull(pair);
        Assert.Equal(["vatNumber"], pair.Reasons);
        Assert.Equal(95, pair.Score);
    }

    [Fact]
    public async Task Similar_names_in_the_same_city_make_a_pair_also_when_swapped()
    {
        using var client = await App.CreateAdminClientAsync();
        var last = "Nome" + UniqueName();
        var a = await CreateAsync(client, Person(last.ToUpperInvariant(), "GIUSEPPE", "Padova"));
        var b = await CreateAsync(client, Person(last, "Giuseppe", "padova"));
        var swapped = await CreateAsync(client, Person("Giuseppe", last, "Padova"));
        var elsewhere = await CreateAsync(client, Person(last, "Giuseppe", "Verona"));
        var pairs = await AllPairsAsync(client);
        Assert.Equal(["name"], PairOf(pairs, a.Id, b.Id)!.Reasons);
        Assert.Equal(60, PairOf(pairs, a.Id, b.Id)!.Score);
        Assert.Equal(["name"], PairOf(pairs, a.Id, swapped.Id)!.Reasons);
        Assert.NotNull(PairOf(pairs, b.Id, swapped.Id));
        Assert.Null(PairOf(pairs, a.Id, elsewhere.Id));
        Assert.Null(PairOf(pairs, swapped.Id, elsewhere.Id));
        Assert.DoesNotContain(pairs, p => p.First.Id == p.Second.Id);
    }

    [Fact]
    public async Task Minimum_score_filters_and_a_dismissed_pair_is_no_longer_proposed()
    {
        using var client = await App.CreateAdminClientAsync();
        var mobile = Mobile();
        var a = await CreateAsync(client, Person("Dis" + UniqueName(), city: "Torino", phone: mobile));
        var b = await CreateAsync(client, Person("Mis" + UniqueName(), city: "Bari", phone: mobile));
        Assert.NotNull(PairOf(await AllPairsAsync(client, 80), a.Id, b.Id));
        Assert.Null(PairOf(await AllPairsAsync(client, 81), a.Id, b.Id));

        // Larger id first on purpose: the pair is the same pair.
        var (first, second) = DuplicateFinder.Ordered(a.Id, b.Id);
        var dismissed = await client.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(second, first));
        Assert.Equal(HttpStatusCode.NoContent, dismissed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(first, second))).StatusCode);
        Assert.Null(PairOf(await AllPairsAsync(client), a.Id, b.Id));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(a.Id, a.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/v1/duplicates/dismiss", new DismissInput(a.Id, Guid.NewGuid()))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/duplicates?cursor=not-a-cursor")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/duplicates?minScore=101")).StatusCode);
    }

    [Fact]
    public async Task Merging_moves_contacts_consents_and_characteristics_honours_choices_and_is_recorded()
    {
        using var client = await App.CreateAdminClientAsync();
        var code = "M" + Unique().ToUpperInvariant();
        var code2 = "N" + Unique().ToUpperInvariant();
        foreach (var c in new[] { code, code2 })
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/characteristics", new { code = c, description = "Test " + c })).StatusCode);

        var last = "Unione" + UniqueName();
        var mobile = Mobile();
        var other = Mobile();
        var mail = "a." + Unique() + "@example.it";
        var survivor = await CreateAsync(client, Person(last, "Paolo", "Milano", phone: mobile, email: mail) with
        {
            Consents = [new ConsentDto("marketing", "phone", true, null, "telefonata", null)],
        });
        var taxCode = TaxCode(last, "Paola");
        var duplicate = await CreateAsync(client, Person(last, "Paola", "Roma", phone: "+39 " + mobile, taxCode: taxCode) with
        {
            Phones = [new PhoneDto(null, "+39 " + mobile, null, true), new PhoneDto(null, other, null, false)],
            Emails = [new EmailDto("b." + mail, true), new EmailDto(mail.ToUpperInvariant(), false)],
            Notes = "Cliente storico",
            Consents = [new ConsentDto("marketing", "email", true, null, "web", null)],
        });
        await client.PostAsJsonAsync($"/api/v1/customers/{survivor.Id}/characteristics", new { code, date = "2025-01-01" });
        await client.PostAsJsonAsync($"/api/v1/customers/{duplicate.Id}/characteristics", new { code = code2, date = "2025-02-01" });
        await client.PostAsJsonAsync($"/api/v1/customers/{duplicate.Id}/characteristics", new { code, date = "2024-06-01" });

        var response = await client.PostAsJsonAsync($"/api/v1/customers/{survivor.Id}/merge", new MergeRequest
        {
            DuplicateId = duplicate.Id, SurvivorVersion = survivor.Version, DuplicateVersion = duplicate.Version,
            Fields = new() { ["firstName"] = "duplicate", ["addresses"] = "both" },
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var merged = (await response.Content.ReadFromJsonAsync<CustomerDto>())!;

        Assert.Equal(survivor.Id, merged.Id);
        Assert.Equal("Paola", merged.FirstName);              // chosen from the duplicate
        Assert.Equal(taxCode, merged.TaxCode);               // the survivor had none
        Assert.Equal("Cliente storico", merged.Notes);       // the survivor had none
        Assert.Equal($"{last[..1].ToUpperInvariant()}{last[1..]} Paola", merged.DisplayName);
        Assert.Equal(survivor.Version + 1, merged.Version);
        Assert.Equal(["Milano", "Roma"], merged.Addresses.Select(a => a.City));
        Assert.Equal(["+39" + mobile, "+39" + other], merged.Phones.Select(p => p.E164));
        Assert.Equal("+39" + mobile, Assert.Single(merged.Phones, p => p.IsMain).E164);
        Assert.Equal([mail, "b." + mail], merged.Emails.Select(e => e.Address));
        Assert.Equal(mail, Assert.Single(merged.Emails, e => e.IsMain).Address);
        Assert.Contains(merged.Consents, c => c is { Purpose: "marketing", Channel: "phone", Given: true });
        Assert.Contains(merged.Consents, c => c is { Purpose: "marketing", Channel: "email", Given: true });
        Assert.Equal(3, merged.Characteristics.Count);
        Assert.Contains(merged.Characteristics, c => c.Code == code2 && c.Current);
        Assert.Contains(merged.Characteristics, c => c.Code == code && c.Current && c.Date == new DateOnly(2025, 1, 1));
        Assert.Contains(merged.Characteristics, c => c.Code == code && !c.Current && c.Date == new DateOnly(2024, 6, 1));

        // The loser is gone from reads and from the duplicates list; the merge is recorded on both.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{duplicate.Id}")).StatusCode);
        Assert.DoesNotContain(await AllPairsAsync(client), p => p.First.Id == duplicate.Id || p.Second.Id == duplicate.Id);
        var history = (await client.GetFromJsonAsync<List<CustomerMergeDto>>($"/api/v1/customers/{survivor.Id}/merges"))!;
        var entry = Assert.Single(history);
        Assert.Equal((survivor.Id, duplicate.Id, "admin"), (entry.SurvivorId, entry.MergedId, entry.MergedBy));
        Assert.Equal("Paola", entry.Snapshot.GetProperty("merged").GetProperty("firstName").GetString());
        Assert.Equal("duplicate", entry.Snapshot.GetProperty("choices").GetProperty("firstName").GetString());
        Assert.Equal("survivor", entry.Snapshot.GetProperty("choices").GetProperty("lastName").GetString());
        Assert.Equal("both", entry.Snapshot.GetProperty("choices").GetProperty("addresses").GetString());
        var fromLoser = (await client.GetFromJsonAsync<List<CustomerMergeDto>>($"/api/v1/customers/{duplicate.Id}/merges"))!;
        Assert.Equal(entry.Id, Assert.Single(fromLoser).Id);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{Guid.NewGuid()}/merges")).StatusCode);

        // Merging the loser again: it no longer exists.
        var again = await client.PostAsJsonAsync($"/api/v1/customers/{survivor.Id}/merge", new MergeRequest
            { DuplicateId = duplicate.Id, SurvivorVersion = merged.Version, DuplicateVersion = duplicate.Version + 1 });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Refused_merges_change_nothing()
    {
        using var client = await App.CreateAdminClientAsync();
        var mobile = Mobile();
        var a = await CreateAsync(client, Person("Rif" + UniqueName(), city: "Torino", phone: mobile));
        var b = await CreateAsync(client, Person("Ruf" + UniqueName(), city: "Bari", phone: mobile, email: Unique() + "@example.it"));
        var company = await CreateAsync(client, new CustomerInput { Kind = "company", CompanyName = "Epsilon " + Unique(), Phones = [new PhoneDto(null, mobile, null, true)] });

        async Task<HttpResponseMessage> Merge(Guid into, Guid? from, int? v1, int? v2, Dictionary<string, string>? fields = null) =>
            await client.PostAsJsonAsync($"/api/v1/customers/{into}/merge", new MergeRequest { DuplicateId = from, SurvivorVersion = v1, DuplicateVersion = v2, Fields = fields });

        var stale = await Merge(a.Id, b.Id, a.Version, b.Version + 1);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Merge(a.Id, b.Id, a.Version + 1, b.Version)).StatusCode);

        var self = await Merge(a.Id, a.Id, a.Version, a.Version);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.True((await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("duplicateId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await Merge(a.Id, b.Id, null, b.Version)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Merge(a.Id, b.Id, a.Version, b.Version, new() { ["firstName"] = "both" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Merge(a.Id, b.Id, a.Version, b.Version, new() { ["shoeSize"] = "survivor" })).StatusCode);

        var kind = await Merge(a.Id, company.Id, a.Version, company.Version);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, kind.StatusCode);
        Assert.Equal("merge-kind", (await kind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await Merge(a.Id, Guid.NewGuid(), a.Version, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Merge(Guid.NewGuid(), a.Id, 1, a.Version)).StatusCode);

        // A deleted record cannot be merged.
        var deleted = await CreateAsync(client, Person("Del" + UniqueName(), phone: mobile));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/customers/{deleted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Merge(a.Id, deleted.Id, a.Version, deleted.Version + 1)).StatusCode);

        foreach (var before in new[] { a, b, company })
        {
            var after = (await client.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{before.Id}"))!;
            Assert.Equal(before.Version, after.Version);
            Assert.Equal(before.Phones.Select(p => p.E164), after.Phones.Select(p => p.E164));
            Assert.Equal(before.Emails.Select(e => e.Address), after.Emails.Select(e => e.Address));
            Assert.Empty((await client.GetFromJsonAsync<List<CustomerMergeDto>>($"/api/v1/customers/{before.Id}/merges"))!);
        }
        Assert.NotNull(PairOf(await AllPairsAsync(client), a.Id, b.Id));
    }
}

public sealed class DuplicateApiTests_Sqlite(SqliteAppFixture f) : DuplicateApiTests<SqliteAppFixture>(f);
public sealed class DuplicateApiTests_Postgres(PostgresAppFixture f) : DuplicateApiTests<PostgresAppFixture>(f);
