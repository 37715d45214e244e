using Microsoft.EntityFrameworkCore;
using Schedario.Web.Demo;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Shared;

namespace Schedario.Web.Data;

public static class DatabaseInitializer
{
    /// <summary>Migrates, creates roles and the administrator, and fills an empty demo database.</summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, StartupOptions options)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        await db.MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureRolesAndAdminAsync(options.AdminPassword);
        if (options.DemoData)
        {
            await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureDemoUsersAsync();
            if (!await db.Set<Customer>().IgnoreQueryFilters().AnyAsync())
            {
                await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(5_000);
                await scope.ServiceProvider.GetRequiredService<DemoCampaignSeeder>().SeedAsync();
            }
            // Also runs once on a demo database made before agencies and subjects existed.
            await scope.ServiceProvider.GetRequiredService<DemoOrganizationSeeder>().SeedAsync();
            await scope.ServiceProvider.GetRequiredService<DemoCallCenterSeeder>().SeedAsync();
        }
    }
}
