using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.Audit;

/// <summary>
/// One line of the audit trail: who did what, to what, when and from where. Append-only: the
/// database refuses updates and deletes by trigger (see the AuditTrail migration); the one update
/// it lets through is GDPR erasure blanking the values of an erased person's lines.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    public string UserName { get; set; } = "";
    /// <summary>The client's IP address, when the change came from a request.</summary>
    public string? Address { get; set; }
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string? EntityId { get; set; }
    /// <summary>The registry record concerned, so a record card can show its own history.</summary>
    public Guid? CustomerId { get; set; }
    public string? Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public string? Details { get; set; }
}

public static class AuditActions
{
    public const string Create = "create", Update = "update", Delete = "delete", Merge = "merge", Import = "import",
        Export = "export", Login = "login", LoginFailed = "login-failed", Permission = "permission", MassUpdate = "mass-update",
        Erase = "erase", Access = "access";

    public static readonly string[] All = [Create, Update, Delete, Merge, Import, Export, Login, LoginFailed, Permission, MassUpdate, Erase, Access];
}

sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.UserName).HasMaxLength(256);
        b.Property(a => a.Address).HasMaxLength(64);
        b.Property(a => a.Action).HasMaxLength(20);
        b.Property(a => a.EntityType).HasMaxLength(40);
        b.Property(a => a.EntityId).HasMaxLength(100);
        b.Property(a => a.Field).HasMaxLength(100);
        b.Property(a => a.OldValue).HasMaxLength(2000);
        b.Property(a => a.NewValue).HasMaxLength(2000);
        b.Property(a => a.Details).HasMaxLength(2000);
        // The searches: newest first overall, by record, by user, by action.
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.CustomerId, a.Id });
        b.HasIndex(a => new { a.UserName, a.Id });
        b.HasIndex(a => new { a.Action, a.Id });
    }
}
