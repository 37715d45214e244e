using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Web.Organization;

/// <summary>
/// Seed 004 "Gestione Soggetti": the people and firms who work the records. Agents and operators
/// are usually users; referrers (segnalatori) need not be; an agency groups agents and operators.
/// </summary>
public enum SubjectKind { Agent, Operator, Referrer }

public sealed class Agency
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public bool Active { get; set; } = true;
}

public sealed class Subject
{
    public int Id { get; set; }
    public SubjectKind Kind { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The login of an agent or operator; a referrer usually has none.</summary>
    public string? UserId { get; set; }
    public int? AgencyId { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>A line of business a record can be owned in ("mobile", "energy"): one owner per type.</summary>
public sealed class PortfolioType
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public bool Active { get; set; } = true;
}

/// <summary>The subject who owns a record in one portfolio type (at most one per type).</summary>
public sealed class CustomerOwner
{
    public Guid CustomerId { get; set; }
    public int PortfolioTypeId { get; set; }
    public int SubjectId { get; set; }
    public DateTime AssignedAt { get; set; }
    public string AssignedBy { get; set; } = "";
}

sealed class AgencyConfiguration : IEntityTypeConfiguration<Agency>
{
    public void Configure(EntityTypeBuilder<Agency> b)
    {
        b.ToTable("agencies");
        b.Property(a => a.Code).HasMaxLength(30);
        b.Property(a => a.Name).HasMaxLength(200);
        b.HasIndex(a => a.Code).IsUnique();
    }
}

sealed class SubjectConfiguration : IEntityTypeConfiguration<Subject>
{
    public void Configure(EntityTypeBuilder<Subject> b)
    {
        b.ToTable("subjects");
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.UserId).HasMaxLength(450);
        // One subject per login: "own" visibility follows the user to exactly one subject.
        b.HasIndex(s => s.UserId).IsUnique();
        b.HasIndex(s => s.AgencyId);
        b.HasOne<Agency>().WithMany().HasForeignKey(s => s.AgencyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}

sealed class PortfolioTypeConfiguration : IEntityTypeConfiguration<PortfolioType>
{
    public void Configure(EntityTypeBuilder<PortfolioType> b)
    {
        b.ToTable("portfolio_types");
        b.Property(p => p.Code).HasMaxLength(30);
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => p.Code).IsUnique();
    }
}

sealed class CustomerOwnerConfiguration : IEntityTypeConfiguration<CustomerOwner>
{
    public void Configure(EntityTypeBuilder<CustomerOwner> b)
    {
        b.ToTable("customer_owners");
        b.HasKey(o => new { o.CustomerId, o.PortfolioTypeId });
        b.Property(o => o.AssignedBy).HasMaxLength(100);
        // "Own" visibility starts from the subject: its records are one index range.
        b.HasIndex(o => new { o.SubjectId, o.CustomerId });
        b.HasOne<Customer>().WithMany(c => c.Owners).HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PortfolioType>().WithMany().HasForeignKey(o => o.PortfolioTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Subject>().WithMany().HasForeignKey(o => o.SubjectId).OnDelete(DeleteBehavior.Restrict);
    }
}
