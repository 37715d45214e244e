using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>Why a number is on the do-not-call list.</summary>
public enum DoNotCallSource
{
    /// <summary>The person asked, on a call (an outcome of category do-not-call) or by any other channel.</summary>
    OptOut,
    /// <summary>Listed in the Registro Pubblico delle Opposizioni at its last import.</summary>
    Register,
    /// <summary>Added by an administrator.</summary>
    Manual,
}

/// <summary>
/// A number the dialer and the desk must never call. One row per number and source: re-importing the
/// register replaces the register's rows and leaves the opt-outs alone.
/// </summary>
public sealed class DoNotCallNumber
{
    /// <summary>E.164 (+39…).</summary>
    public string Number { get; set; } = "";
    public DoNotCallSource Source { get; set; }
    public DateTime AddedAt { get; set; }
    public string AddedBy { get; set; } = "";
    /// <summary>The record the opt-out was captured on, when there is one.</summary>
    public Guid? CustomerId { get; set; }
    public string? Note { get; set; }
}

/// <summary>One import of the opposition register's list: when it was checked and what changed.</summary>
public sealed class OppositionRegisterCheck
{
    public long Id { get; set; }
    public DateTime CheckedAt { get; set; }
    public string ImportedBy { get; set; } = "";
    public string? FileName { get; set; }
    public int Lines { get; set; }
    public int Listed { get; set; }
    public int Added { get; set; }
    public int Removed { get; set; }
    public int Malformed { get; set; }
}

sealed class DoNotCallNumberConfiguration : IEntityTypeConfiguration<DoNotCallNumber>
{
    public void Configure(EntityTypeBuilder<DoNotCallNumber> b)
    {
        b.ToTable("do_not_call");
        b.HasKey(d => new { d.Number, d.Source });
        b.Property(d => d.Number).HasMaxLength(20);
        b.Property(d => d.Source).HasConversion<string>().HasMaxLength(10);
        b.Property(d => d.AddedBy).HasMaxLength(100);
        b.Property(d => d.Note).HasMaxLength(500);
        b.HasIndex(d => d.CustomerId);
    }
}

sealed class OppositionRegisterCheckConfiguration : IEntityTypeConfiguration<OppositionRegisterCheck>
{
    public void Configure(EntityTypeBuilder<OppositionRegisterCheck> b)
    {
        b.ToTable("opposition_register_checks");
        b.Property(c => c.ImportedBy).HasMaxLength(100);
        b.Property(c => c.FileName).HasMaxLength(260);
        b.HasIndex(c => c.CheckedAt);
    }
}

public static class ComplianceDbExtensions
{
    public static DbSet<DoNotCallNumber> DoNotCall(this DbContext db) => db.Set<DoNotCallNumber>();
    public static DbSet<OppositionRegisterCheck> OppositionRegisterChecks(this DbContext db) => db.Set<OppositionRegisterCheck>();
}
