using System.Text.RegularExpressions;
using Schedario.Web.Demo;
using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Italy;

public class ItalianDataGeneratorTests
{
    private static readonly IReadOnlyList<GeneratedCustomer> Sample = ItalianDataGenerator.Generate(2026, 5_000).ToList();

    private static string Fingerprint(GeneratedCustomer c) => string.Join("|",
        c.ExternalId, c.Kind, c.FirstName, c.LastName, c.CompanyName, c.LegalForm, c.TaxCode, c.VatNumber, c.Female,
        c.BirthDate, c.Address, c.MainPhone, c.MobilePhone, c.Email, c.Stage, c.PhoneMarketingConsent,
        c.EmailMarketingConsent, string.Join(",", c.CharacteristicCodes), c.CreatedOn);

    [Fact]
    public void Same_seed_gives_the_same_records()
    {
        var a = ItalianDataGenerator.Generate(7, 1_000).Select(Fingerprint).ToList();
        var b = ItalianDataGenerator.Generate(7, 1_000).Select(Fingerprint).ToList();
        Assert.Equal(a, b);

        var g1 = new ItalianDataGenerator(99);
        var g2 = new ItalianDataGenerator(99);
        for (var i = 1; i <= 100; i++) Assert.Equal(Fingerprint(g1.Next(i)), Fingerprint(g2.Next(i)));
    }

    [Fact]
    public void Different_seeds_give_different_records()
    {
        var a = ItalianDataGenerator.Generate(1, 200).Select(Fingerprint).ToList();
        var b = ItalianDataGenerator.Generate(2, 200).Select(Fingerprint).ToList();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void External_ids_follow_the_index()
    {
        Assert.Equal("GEN-0000001", Sample[0].ExternalId);
        Assert.Equal("GEN-0005000", Sample[^1].ExternalId);
        Assert.Equal("GEN-0000123", new ItalianDataGenerator(1).Next(123).ExternalId);
        Assert.Equal(Sample.Count, Sample.Select(c => c.ExternalId).Distinct().Count());
    }

    [Fact]
    public void Five_thousand_records_cover_all_20_regions()
    {
        var regions = Sample.Select(c => c.Address.Region).Distinct().ToHashSet();
        Assert.Equal(20, regions.Count);
        Assert.True(regions.SetEquals(ItalianProvinces.Regions));
    }

    [Fact]
    public void A_larger_sample_covers_every_province()
    {
        var provinces = ItalianDataGenerator.Generate(5, 30_000).Select(c => c.Address.Province).ToHashSet();
        Assert.Equal(107, provinces.Count);
    }

    [Fact]
    public void About_80_percent_are_persons()
    {
        var persons = Sample.Count(c => c.Kind == GeneratedKind.Person);
        var share = persons / (double)Sample.Count;
        Assert.InRange(share, 0.77, 0.83);
    }

    [Fact]
    public void Every_person_has_a_valid_codice_fiscale_matching_the_record()
    {
        foreach (var c in Sample.Where(c => c.Kind == GeneratedKind.Person))
        {
            Assert.NotNull(c.FirstName);
            Assert.NotNull(c.LastName);
            Assert.NotNull(c.BirthDate);
            Assert.Null(c.CompanyName);
            Assert.Null(c.VatNumber);
            Assert.True(CodiceFiscale.IsValid(c.TaxCode), c.TaxCode);
            Assert.True(CodiceFiscale.TryGetBirthDate(c.TaxCode, ItalianDataGenerator.ReferenceDate, out var birth));
            Assert.Equal(c.BirthDate, birth);
            Assert.True(CodiceFiscale.TryGetFemale(c.TaxCode, out var female));
            Assert.Equal(c.Female, female);
            var town = ItalianDataGenerator.Towns.First(t => t.Name == c.Address.City);
            Assert.Equal(town.BelfioreCode, CodiceFiscale.GetBelfioreCode(c.TaxCode));
            var age = ItalianDataGenerator.ReferenceDate.Year - c.BirthDate!.Value.Year;
            Assert.InRange(age, 18, 86);
        }
    }

    [Fact]
    public void Every_company_has_a_valid_partita_iva_and_a_legal_form()
    {
        var forms = new HashSet<string>();
        foreach (var c in Sample.Where(c => c.Kind == GeneratedKind.Company))
        {
            Assert.False(string.IsNullOrWhiteSpace(c.CompanyName));
            Assert.True(PartitaIva.IsValid(c.VatNumber), c.VatNumber);
            Assert.Matches("^[0-9]{11}$", c.VatNumber!);
            var office = int.Parse(c.VatNumber!.Substring(7, 3));
            Assert.InRange(office, 1, 100);
            Assert.NotNull(c.LegalForm);
            Assert.Contains(c.LegalForm, ItalianDataGenerator.LegalForms);
            forms.Add(c.LegalForm!);
            if (c.TaxCode is not null) Assert.True(CodiceFiscale.IsValid(c.TaxCode), c.TaxCode);
            if (c.LegalForm == "Ditta individuale") Assert.NotNull(c.TaxCode);
        }
        Assert.Equal(ItalianDataGenerator.LegalForms.Count, forms.Count);
    }

    [Fact]
    public void Addresses_are_consistent()
    {
        foreach (var c in Sample)
        {
            var a = c.Address;
            Assert.True(PostalCode.IsValid(a.PostalCode), a.PostalCode);
            var province = ItalianProvinces.Find(a.Province);
            Assert.NotNull(province);
            Assert.Equal(a.Province, province.Code);
            Assert.Equal(province.Region, a.Region);
            Assert.False(string.IsNullOrWhiteSpace(a.Street));
            Assert.False(string.IsNullOrWhiteSpace(a.HouseNumber));
            Assert.False(string.IsNullOrWhiteSpace(a.City));
        }
    }

    [Fact]
    public void Every_province_has_its_chief_town()
    {
        var towns = ItalianDataGenerator.Towns;
        foreach (var p in ItalianProvinces.All)
            Assert.Contains(towns, t => t.ProvinceCode == p.Code);
        Assert.All(towns, t =>
        {
            Assert.NotNull(ItalianProvinces.Find(t.ProvinceCode));
            Assert.Matches("^[A-Z][0-9]{3}$", t.BelfioreCode);
            Assert.True(PostalCode.IsValid(t.PostalCodeFrom), t.PostalCodeFrom);
            Assert.Matches("^0[0-9]{1,3}$", t.AreaCode);
            Assert.True(t.Weight > 0);
        });
        Assert.Equal(towns.Count, towns.Select(t => t.BelfioreCode).Distinct().Count());
    }

    [Theory]
    [InlineData("Milano", "MI", "F205", "02")]
    [InlineData("Roma", "RM", "H501", "06")]
    [InlineData("Napoli", "NA", "F839", "081")]
    [InlineData("Torino", "TO", "L219", "011")]
    [InlineData("Aosta", "AO", "A326", "0165")]
    [InlineData("Carbonia", "SU", "B745", "0781")]
    public void Known_towns(string name, string province, string belfiore, string areaCode)
    {
        var town = ItalianDataGenerator.Towns.Single(t => t.Name == name);
        Assert.Equal(province, town.ProvinceCode);
        Assert.Equal(belfiore, town.BelfioreCode);
        Assert.Equal(areaCode, town.AreaCode);
    }

    private static string Digits(string phone)
    {
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (phone.StartsWith("+39", StringComparison.Ordinal)) return digits[2..];
        if (phone.StartsWith("0039", StringComparison.Ordinal)) return digits[4..];
        return digits;
    }

    [Fact]
    public void Phones_are_italian_numbers_in_varied_formats()
    {
        var formats = new HashSet<string>();
        foreach (var c in Sample)
        {
            if (c.MobilePhone is { } mobile)
            {
                Assert.Matches(@"^[0-9+ ().\-/]+$", mobile);
                var d = Digits(mobile);
                Assert.Equal(10, d.Length);
                Assert.StartsWith("3", d);
                formats.Add(Regex.Replace(mobile, "[0-9]", "9"));
            }
            if (c.MainPhone is { } main)
            {
                Assert.Matches(@"^[0-9+ ().\-/]+$", main);
                var d = Digits(main);
                Assert.InRange(d.Length, 9, 10);
                var town = ItalianDataGenerator.Towns.First(t => t.Name == c.Address.City);
                Assert.StartsWith(town.AreaCode, d);
                formats.Add(Regex.Replace(main, "[0-9]", "9"));
            }
        }
        // Digits are masked with 9: "+99 999 999 9999" is "+39 333 123 4567".
        Assert.Contains("999 9999999", formats); // 333 1234567
        Assert.Contains("+99 999 999 9999", formats); // +39 333 123 4567
        Assert.Contains("9999999999", formats); // 3331234567
        Assert.Contains("9999 99 9999999", formats); // 0039 02 1234567
        Assert.Contains("99-9999999", formats); // 02-1234567
        Assert.Contains("(99) 9999 9999", formats); // (06) 1234 5678
        Assert.True(formats.Count >= 15, $"only {formats.Count} formats");
        Assert.True(Sample.Count(c => c.MainPhone is not null || c.MobilePhone is not null) > Sample.Count * 0.95);
    }

    [Fact]
    public void Emails_look_real_and_are_mostly_unique_and_lowercase()
    {
        var emails = Sample.Where(c => c.Email is not null).Select(c => c.Email!).ToList();
        Assert.True(emails.Count > Sample.Count * 0.7);
        Assert.All(emails, e => Assert.Matches(@"^[A-Za-z0-9._]+@[a-z0-9.]+\.(it|com)$", e));
        Assert.True(emails.Count(e => e == e.ToLowerInvariant()) > emails.Count * 0.9);
        Assert.True(emails.Distinct(StringComparer.OrdinalIgnoreCase).Count() > emails.Count * 0.9);
        var domains = emails.Select(e => e[(e.IndexOf('@') + 1)..]).ToHashSet();
        foreach (var d in new[] { "gmail.com", "libero.it", "virgilio.it", "alice.it", "hotmail.it", "tiscali.it", "outlook.it" })
            Assert.Contains(d, domains);
        Assert.Contains(Sample, c => c.Kind == GeneratedKind.Company && c.Email is not null && c.Email.StartsWith("info@", StringComparison.Ordinal));
    }

    [Fact]
    public void Stage_distribution_is_roughly_40_20_20_20()
    {
        var counts = Sample.GroupBy(c => c.Stage).ToDictionary(g => g.Key, g => g.Count() / (double)Sample.Count);
        Assert.Equal(4, counts.Count);
        Assert.InRange(counts["lead"], 0.36, 0.44);
        Assert.InRange(counts["suspect"], 0.17, 0.23);
        Assert.InRange(counts["prospect"], 0.17, 0.23);
        Assert.InRange(counts["customer"], 0.17, 0.23);
    }

    [Fact]
    public void Consents_are_about_70_percent()
    {
        Assert.InRange(Sample.Count(c => c.PhoneMarketingConsent) / (double)Sample.Count, 0.66, 0.74);
        Assert.InRange(Sample.Count(c => c.EmailMarketingConsent) / (double)Sample.Count, 0.66, 0.74);
    }

    [Fact]
    public void Characteristics_come_from_the_catalog()
    {
        var catalog = ItalianDataGenerator.CharacteristicCatalog.Select(c => c.Code).ToHashSet();
        Assert.Equal(10, catalog.Count);
        foreach (var c in Sample)
        {
            Assert.InRange(c.CharacteristicCodes.Count, 0, 3);
            Assert.Equal(c.CharacteristicCodes.Count, c.CharacteristicCodes.Distinct().Count());
            Assert.All(c.CharacteristicCodes, code => Assert.Contains(code, catalog));
        }
        Assert.Contains(Sample, c => c.CharacteristicCodes.Count == 0);
        Assert.Contains(Sample, c => c.CharacteristicCodes.Count == 3);
    }

    [Fact]
    public void Created_within_the_three_years_before_november_2026()
    {
        var from = new DateOnly(2023, 11, 1);
        var to = new DateOnly(2026, 10, 31);
        Assert.All(Sample, c => Assert.InRange(c.CreatedOn, from, to));
    }

    [Fact]
    public void Names_are_plentiful()
    {
        Assert.True(ItalianDataGenerator.MaleFirstNames.Count + ItalianDataGenerator.FemaleFirstNames.Count >= 150);
        Assert.True(ItalianDataGenerator.Surnames.Count >= 200);
        Assert.True(Sample.Select(c => c.LastName).Distinct().Count() > 150);
    }
}
