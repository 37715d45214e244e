namespace Schedario.Web.Shared;

/// <summary>What start-up must do, read once from configuration and checked before anything runs.</summary>
public sealed record StartupOptions(string AdminPassword, bool DemoData, bool IsLocalDemo)
{
    public static StartupOptions Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var isLocalDemo = environment.IsDevelopment();
        var password = configuration["Schedario:AdminPassword"];
        if (string.IsNullOrWhiteSpace(password))
        {
            // Only the local demo may fall back to the README's demo password.
            if (!isLocalDemo)
                throw new InvalidOperationException(
                    "Schedario:AdminPassword is not set. Set it (environment variable Schedario__AdminPassword) before starting outside the local demo.");
            password = Identity.DemoUsers.DemoPassword;
        }
        var demoData = configuration.GetValue<bool?>("Schedario:DemoData") ?? isLocalDemo;
        return new StartupOptions(password, demoData, isLocalDemo);
    }
}
