using Microsoft.AspNetCore.Identity;

namespace Schedario.Web.Identity;

/// <summary>Creates the roles, the administrator and, on the local demo, the demo users.</summary>
public sealed class DemoUsers(UserManager<AppUser> users, RoleManager<IdentityRole> roles, ILogger<DemoUsers> log)
{
    /// <summary>The password every demo user has on the local demo (stated in the README).</summary>
    public const string DemoPassword = "Schedario2026";

    public static readonly (string UserName, string DisplayName, string Role)[] Demo =
    [
        ("supervisor", "Sara Supervisori", Roles.Supervisor),
        ("operator1", "Marco Operatore", Roles.Operator),
        ("operator2", "Giulia Operatrice", Roles.Operator),
        ("operator3", "Luca Operatore", Roles.Operator),
    ];

    public async Task EnsureRolesAndAdminAsync(string adminPassword)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");

        if (await users.FindByNameAsync("admin") is null)
        {
            var admin = new AppUser { UserName = "admin", DisplayName = "Amministratore", LockoutEnabled = true };
            Check(await users.CreateAsync(admin, adminPassword), "user admin");
            Check(await users.AddToRoleAsync(admin, Roles.Administrator), "admin role");
            log.LogInformation("Created the administrator account 'admin'");
        }
    }

    public async Task EnsureDemoUsersAsync()
    {
        foreach (var (userName, displayName, role) in Demo)
        {
            if (await users.FindByNameAsync(userName) is not null) continue;
            var user = new AppUser { UserName = userName, DisplayName = displayName, LockoutEnabled = true };
            Check(await users.CreateAsync(user, DemoPassword), $"user {userName}");
            Check(await users.AddToRoleAsync(user, role), $"{userName} role");
        }
    }

    static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Cannot create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
