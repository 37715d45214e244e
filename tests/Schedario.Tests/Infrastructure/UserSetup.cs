using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Web.Identity;

namespace Schedario.Tests.Infrastructure;

public static class UserSetup
{
    /// <summary>Creates a user with one role straight through Identity (the users API comes with its own issue).</summary>
    public static async Task CreateUserAsync(this SchedarioAppFactory app, string userName, string password, string role)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, DisplayName = userName };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
    }
}
