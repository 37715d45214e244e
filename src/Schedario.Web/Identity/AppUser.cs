using Microsoft.AspNetCore.Identity;

namespace Schedario.Web.Identity;

public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    /// <summary>A disabled user can neither log in nor use a token issued before.</summary>
    public bool Disabled { get; set; }
    /// <summary>The agency the user works for ("agency" visibility); null = none.</summary>
    public int? AgencyId { get; set; }
}

public static class Roles
{
    public const string Administrator = nameof(Administrator);
    public const string Supervisor = nameof(Supervisor);
    public const string Operator = nameof(Operator);
    public const string Agent = nameof(Agent);
    public const string BackOffice = nameof(BackOffice);

    public static readonly string[] All = [Administrator, Supervisor, Operator, Agent, BackOffice];
}
