using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Tests.Shared;

public sealed class StartupOptionsTests
{
    sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Schedario.Web";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Production_refuses_to_start_without_an_admin_password()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StartupOptions.Read(Config(), new Env("Production")));
        Assert.Contains("Schedario:AdminPassword", ex.Message);
    }

    [Fact]
    public void Production_takes_the_configured_password_and_loads_no_demo_data()
    {
        var options = StartupOptions.Read(Config(("Schedario:AdminPassword", "Segreta!2026x")), new Env("Production"));
        Assert.Equal("Segreta!2026x", options.AdminPassword);
        Assert.False(options.DemoData);
    }

    [Fact]
    public void Only_the_local_demo_falls_back_to_the_demo_password()
    {
        var options = StartupOptions.Read(Config(), new Env("Development"));
        Assert.Equal(DemoUsers.DemoPassword, options.AdminPassword);
        Assert.True(options.DemoData);
        Assert.Throws<InvalidOperationException>(() => StartupOptions.Read(Config(), new Env("Staging")));
    }
}
