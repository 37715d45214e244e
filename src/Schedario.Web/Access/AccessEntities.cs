using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Identity;

namespace Schedario.Web.Access;

/// <summary>What a user does to a record; each has its own visibility level per role.</summary>
public enum RecordAction { Read, Edit, Delete, Export, MassUpdate }

/// <summary>
/// How far a role reaches (EspoCRM's own/team/all model): every record, the records of the user's
/// agency, the user's own records (owned by their subject in any portfolio type, in campaign entries
/// assigned to them, or created by them), or none. Each level includes the ones below it.
/// </summary>
public enum VisibilityLevel { None = 0, Own = 1, Agency = 2, All = 3 }

public sealed class RoleVisibility
{
    public string Role { get; set; } = "";
    public RecordAction Action { get; set; }
    public VisibilityLevel Level { get; set; }
}

public static class VisibilityDefaults
{
    /// <summary>The shipped levels; administrators always have All (not editable).</summary>
    public static VisibilityLevel For(string role, RecordAction action) => (role, action) switch
    {
        (Roles.Administrator, _) => VisibilityLevel.All,
        (Roles.Supervisor, RecordAction.Delete) => VisibilityLevel.Agency,
        (Roles.Supervisor, _) => VisibilityLevel.All,
        (Roles.BackOffice, RecordAction.Read or RecordAction.Edit) => VisibilityLevel.All,
        (Roles.BackOffice, RecordAction.Export or RecordAction.MassUpdate) => VisibilityLevel.Agency,
        (Roles.BackOffice, _) => VisibilityLevel.None,
        (Roles.Agent, RecordAction.Read or RecordAction.Edit) => VisibilityLevel.Own,
        (Roles.Operator, RecordAction.Read or RecordAction.Edit) => VisibilityLevel.Own,
        _ => VisibilityLevel.None,
    };

    public static IEnumerable<RoleVisibility> All() =>
        from role in Roles.All
        from action in Enum.GetValues<RecordAction>()
        select new RoleVisibility { Role = role, Action = action, Level = For(role, action) };
}

sealed class RoleVisibilityConfiguration : IEntityTypeConfiguration<RoleVisibility>
{
    public void Configure(EntityTypeBuilder<RoleVisibility> b)
    {
        b.ToTable("role_visibility");
        b.HasKey(v => new { v.Role, v.Action });
        b.Property(v => v.Role).HasMaxLength(40);
        b.Property(v => v.Action).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.Level).HasConversion<string>().HasMaxLength(16);
    }
}
