using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Data;

namespace Schedario.Web.Registry;

sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("customers");
        b.HasQueryFilter(SchedarioDb.SoftDeleteFilter, c => !c.IsDeleted);
        // The visibility filter needs the context instance: see SchedarioDb.OnModelCreating.
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Stage).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.DocumentType).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.FirstName).HasMaxLength(100);
        b.Property(c => c.LastName).HasMaxLength(100);
        b.Property(c => c.CompanyName).HasMaxLength(200);
        b.Property(c => c.LegalForm).HasMaxLength(40);
        b.Property(c => c.TaxCode).HasMaxLength(16);
        b.Property(c => c.VatNumber).HasMaxLength(11);
        b.Property(c => c.DocumentNumber).HasMaxLength(40);
        b.Property(c => c.Notes).HasMaxLength(4000);
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.Property(c => c.DisplayName).HasMaxLength(260);
        b.Property(c => c.SearchName).HasMaxLength(260);
        b.Property(c => c.SearchNameAlt).HasMaxLength(260);
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Province).HasMaxLength(2);
        b.Property(c => c.Region).HasMaxLength(40);
        b.Property(c => c.PostalCode).HasMaxLength(5);
        b.Property(c => c.MainPhone).HasMaxLength(20);
        b.Property(c => c.MainEmail).HasMaxLength(254);
        b.Property(c => c.CreatedBy).HasMaxLength(100);
        b.Property(c => c.UpdatedBy).HasMaxLength(100);
        b.Property(c => c.Version).IsConcurrencyToken();

        // The list is keyset-paged on (SearchName, Id); the province filter uses its own prefix.
        b.HasIndex(c => new { c.SearchName, c.Id });
        b.HasIndex(c => new { c.SearchNameAlt, c.Id });
        b.HasIndex(c => new { c.Province, c.SearchName, c.Id });
        b.HasIndex(c => new { c.City, c.SearchName });
        b.HasIndex(c => c.ExternalId).IsUnique();
        b.HasIndex(c => c.TaxCode);
        b.HasIndex(c => c.VatNumber);
        b.HasIndex(c => c.CreatedByImportId);
        b.HasIndex(c => c.AgencyId);
        b.HasOne<Organization.Agency>().WithMany().HasForeignKey(c => c.AgencyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization.Subject>().WithMany().HasForeignKey(c => c.ReferrerId).OnDelete(DeleteBehavior.Restrict);

        b.HasMany(c => c.Addresses).WithOne().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Emails).WithOne().HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Referents).WithOne().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Sites).WithOne().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Consents).WithOne().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Characteristics).WithOne().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class CustomerAddressConfiguration : IEntityTypeConfiguration<CustomerAddress>
{
    public void Configure(EntityTypeBuilder<CustomerAddress> b)
    {
        b.ToTable("customer_addresses");
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Street).HasMaxLength(200);
        b.Property(a => a.HouseNumber).HasMaxLength(20);
        b.Property(a => a.PostalCode).HasMaxLength(5);
        b.Property(a => a.City).HasMaxLength(100);
        b.Property(a => a.Province).HasMaxLength(2);
        b.Property(a => a.Region).HasMaxLength(40);
        b.Property(a => a.Country).HasMaxLength(2);
        b.HasIndex(a => a.CustomerId);
    }
}

sealed class CustomerPhoneConfiguration : IEntityTypeConfiguration<CustomerPhone>
{
    public void Configure(EntityTypeBuilder<CustomerPhone> b)
    {
        b.ToTable("customer_phones");
        b.Property(p => p.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Number).HasMaxLength(40);
        b.Property(p => p.E164).HasMaxLength(20);
        // Caller-ID lookup is an exact match on E.164.
        b.HasIndex(p => p.E164);
        b.HasIndex(p => p.CustomerId);
        // Most phones belong to the record itself: index only the referents' ones.
        b.HasIndex(p => p.ReferentId).HasFilter("\"ReferentId\" IS NOT NULL");
        b.HasOne<Referent>().WithMany().HasForeignKey(p => p.ReferentId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class CustomerEmailConfiguration : IEntityTypeConfiguration<CustomerEmail>
{
    public void Configure(EntityTypeBuilder<CustomerEmail> b)
    {
        b.ToTable("customer_emails");
        b.Property(e => e.Address).HasMaxLength(254);
        b.HasIndex(e => e.Address);
        b.HasIndex(e => e.CustomerId);
        b.HasIndex(e => e.ReferentId).HasFilter("\"ReferentId\" IS NOT NULL");
        b.HasOne<Referent>().WithMany().HasForeignKey(p => p.ReferentId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ReferentConfiguration : IEntityTypeConfiguration<Referent>
{
    public void Configure(EntityTypeBuilder<Referent> b)
    {
        b.ToTable("customer_referents");
        b.Property(r => r.FirstName).HasMaxLength(100);
        b.Property(r => r.LastName).HasMaxLength(100);
        b.Property(r => r.Role).HasMaxLength(100);
        b.HasIndex(r => r.CustomerId);
    }
}

sealed class CustomerSiteConfiguration : IEntityTypeConfiguration<CustomerSite>
{
    public void Configure(EntityTypeBuilder<CustomerSite> b)
    {
        b.ToTable("customer_sites");
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Street).HasMaxLength(200);
        b.Property(s => s.HouseNumber).HasMaxLength(20);
        b.Property(s => s.PostalCode).HasMaxLength(5);
        b.Property(s => s.City).HasMaxLength(100);
        b.Property(s => s.Province).HasMaxLength(2);
        b.Property(s => s.Region).HasMaxLength(40);
        b.HasIndex(s => s.CustomerId);
    }
}

sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> b)
    {
        b.ToTable("customer_consents");
        b.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Source).HasMaxLength(100);
        b.Property(c => c.RecordedBy).HasMaxLength(100);
        b.HasIndex(c => new { c.CustomerId, c.Purpose, c.Channel, c.At });
    }
}

sealed class CharacteristicDefinitionConfiguration : IEntityTypeConfiguration<CharacteristicDefinition>
{
    public void Configure(EntityTypeBuilder<CharacteristicDefinition> b)
    {
        b.ToTable("characteristics");
        b.Property(c => c.Code).HasMaxLength(30);
        b.Property(c => c.Description).HasMaxLength(200);
        b.Property(c => c.Category).HasMaxLength(60);
        b.HasIndex(c => c.Code).IsUnique();
    }
}

sealed class CustomerCharacteristicConfiguration : IEntityTypeConfiguration<CustomerCharacteristic>
{
    public void Configure(EntityTypeBuilder<CustomerCharacteristic> b)
    {
        b.ToTable("customer_characteristics");
        b.Property(c => c.Note).HasMaxLength(500);
        b.Property(c => c.RecordedBy).HasMaxLength(100);
        b.HasOne(c => c.Characteristic).WithMany().HasForeignKey(c => c.CharacteristicId).OnDelete(DeleteBehavior.Restrict);
        // Targeting ("has ADSL learned after 2025") filters on (characteristic, date).
        b.HasIndex(c => new { c.CharacteristicId, c.Date });
        b.HasIndex(c => new { c.CustomerId, c.CharacteristicId });
    }
}

/// <summary>
/// On PostgreSQL the search keys use the "C" collation: byte order makes the prefix ranges of
/// <see cref="QuickSearch"/> exact and lets the B-tree answer them whatever the database locale.
/// </summary>
sealed class RegistryPostgresConfiguration : IProviderModelConfiguration
{
    public void Configure(ModelBuilder builder, DatabaseProvider provider)
    {
        if (provider != DatabaseProvider.Postgres) return;
        var customer = builder.Entity<Customer>();
        customer.Property(c => c.SearchName).UseCollation("C");
        customer.Property(c => c.SearchNameAlt).UseCollation("C");
        customer.Property(c => c.City).UseCollation("C");
    }
}
