using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Web.Demo;

/// <summary>Fills an empty local demo with Italian-looking persons and companies from all 20 regions.</summary>
public sealed class DemoDataSeeder(SchedarioDb db, ILogger<DemoDataSeeder> log)
{
    public async Task SeedAsync(int count, CancellationToken ct = default)
    {
        var started = DateTime.UtcNow;
        var definitions = await EnsureCharacteristicsAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var generator = new ItalianDataGenerator(seed: 2026);
        var rng = new Random(7);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < count; i++)
        {
            var g = generator.Next(i);
            var input = ToInput(g);
            var customer = new Customer();
            var createdAt = g.CreatedOn.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc);
            CustomerWriter.Apply(input, customer, "demo", createdAt);
            foreach (var code in g.CharacteristicCodes)
            {
                if (!definitions.TryGetValue(code, out var defId)) continue;
                // Learned some time after the record was created, never in the future.
                var learned = g.CreatedOn.AddDays(rng.Next(0, 300));
                if (learned > today) learned = g.CreatedOn;
                customer.Characteristics.Add(new CustomerCharacteristic
                {
                    CustomerId = customer.Id, CharacteristicId = defId, Date = learned,
                    RecordedAt = createdAt, RecordedBy = "demo",
                });
            }
            db.Add(customer);
            if ((i + 1) % 1000 == 0)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        log.LogInformation("Demo data: {Count} records in {Seconds:0.0} s", count, (DateTime.UtcNow - started).TotalSeconds);
    }

    async Task<Dictionary<string, int>> EnsureCharacteristicsAsync(CancellationToken ct)
    {
        var set = db.Set<CharacteristicDefinition>();
        foreach (var (code, description, category) in ItalianDataGenerator.CharacteristicCatalog)
            if (!await set.AnyAsync(d => d.Code == code, ct))
                set.Add(new CharacteristicDefinition { Code = code, Description = description, Category = category, Active = true });
        await db.SaveChangesAsync(ct);
        return await set.ToDictionaryAsync(d => d.Code, d => d.Id, ct);
    }

    /// <summary>A generated record as the input a user or an import would send.</summary>
    public static CustomerInput ToInput(GeneratedCustomer g)
    {
        var phones = new List<PhoneDto>();
        if (g.MobilePhone is not null) phones.Add(new PhoneDto("mobile", g.MobilePhone, null, true));
        if (g.MainPhone is not null) phones.Add(new PhoneDto("landline", g.MainPhone, null, phones.Count == 0));
        var at = g.CreatedOn.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc);
        return new CustomerInput
        {
            Kind = g.Kind == GeneratedKind.Person ? "person" : "company",
            Stage = g.Stage,
            FirstName = g.FirstName, LastName = g.LastName, CompanyName = g.CompanyName, LegalForm = g.LegalForm,
            TaxCode = g.TaxCode, VatNumber = g.VatNumber, ExternalId = g.ExternalId,
            Addresses = [new AddressDto(g.Kind == GeneratedKind.Person ? "residence" : "legal", g.Address.Street, g.Address.HouseNumber, g.Address.PostalCode, g.Address.City, g.Address.Province, g.Address.Region, "IT")],
            Phones = phones,
            Emails = g.Email is null ? [] : [new EmailDto(g.Email, true)],
            Consents =
            [
                new ConsentDto("marketing", "phone", g.PhoneMarketingConsent, at, "modulo web", null),
                new ConsentDto("marketing", "email", g.EmailMarketingConsent, at, "modulo web", null),
            ],
        };
    }
}

public static class DemoModule
{
    public static IServiceCollection AddDemoData(this IServiceCollection services) =>
        services.AddScoped<DemoDataSeeder>().AddScoped<DemoCampaignSeeder>().AddScoped<DemoOrganizationSeeder>().AddScoped<DemoCallCenterSeeder>();
}
