using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.Registry.Dedup;

/// <summary>
/// A pair a user judged "not a duplicate": the finder stops proposing it. The ids are stored
/// smaller first, in the same order the finder emits pairs.
/// </summary>
public sealed class DuplicateDismissal
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FirstId { get; set; }
    public Guid SecondId { get; set; }
    public string DismissedBy { get; set; } = "";
    public DateTime DismissedAt { get; set; }
}

/// <summary>
/// The record of a merge: which record survived, which was merged into it (and soft-deleted),
/// who and when, and a JSON snapshot of the merged record's main fields and of the choices made.
/// </summary>
public sealed class CustomerMerge
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SurvivorId { get; set; }
    public Guid MergedId { get; set; }
    public string MergedBy { get; set; } = "";
    public DateTime MergedAt { get; set; }
    public string Snapshot { get; set; } = "{}";
}

// No foreign keys to customers: records are only ever soft-deleted, and these rows are history
// that must outlive whatever maintenance later does to the records themselves.
sealed class DuplicateDismissalConfiguration : IEntityTypeConfiguration<DuplicateDismissal>
{
    public void Configure(EntityTypeBuilder<DuplicateDismissal> b)
    {
        b.ToTable("duplicate_dismissals");
        b.Property(d => d.DismissedBy).HasMaxLength(100);
        b.HasIndex(d => new { d.FirstId, d.SecondId }).IsUnique();
    }
}

sealed class CustomerMergeConfiguration : IEntityTypeConfiguration<CustomerMerge>
{
    public void Configure(EntityTypeBuilder<CustomerMerge> b)
    {
        b.ToTable("customer_merges");
        b.Property(m => m.MergedBy).HasMaxLength(100);
        b.HasIndex(m => m.SurvivorId);
        b.HasIndex(m => m.MergedId);
    }
}
