using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;

namespace Schedario.BrowserTests.Infrastructure;

/// <summary>
/// The real app on Kestrel on a free loopback port, on a fresh SQLite file with the demo data set
/// (users admin, supervisor, operator1..3), so that a real browser can reach it at <see cref="BaseUrl"/>.
/// The admin's password is <see cref="SchedarioAppFactory.AdminPassword"/>.
/// </summary>
public sealed class AppServer : IAsyncDisposable
{
    private AppServer(SchedarioAppFactory factory, string baseUrl)
    {
        Factory = factory;
        BaseUrl = baseUrl;
    }

    /// <summary>The factory behind the server; its <c>Services</c> reach the app's services.</summary>
    public SchedarioAppFactory Factory { get; }

    /// <summary>Where the app listens, without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Starts the app (migrations and demo data included) and waits until it listens.</summary>
    public static async Task<AppServer> StartAsync(bool demoData = true)
    {
        var factory = new SchedarioAppFactory(DbProvider.Sqlite, demoData);
        try
        {
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            await Task.Run(factory.StartServer).ConfigureAwait(false);

            var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("The app started but reports no http address.");
            // Clients made by the factory (API set-up in browser tests) talk to the real listener.
            factory.ClientOptions.BaseAddress = new Uri(address);
            return new AppServer(factory, address.TrimEnd('/'));
        }
        catch
        {
            await factory.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
