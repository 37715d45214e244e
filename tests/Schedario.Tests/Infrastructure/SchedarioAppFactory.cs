using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Schedario.Tests.Infrastructure;

/// <summary>The database an app under test runs on.</summary>
public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real app, in memory, on its own fresh database: a unique SQLite file, or a new database on
/// the test run's PostgreSQL (<see cref="PostgresServer"/>). Environment "Testing"; the admin's
/// password is <see cref="AdminPassword"/>; demo data only when asked for.
/// </summary>
public class SchedarioAppFactory : WebApplicationFactory<Program>
{
    /// <summary>Password of the always-seeded <c>admin</c> user in every test app.</summary>
    public const string AdminPassword = "Admin!Test2026";

    /// <summary>User name of the always-seeded administrator.</summary>
    public const string AdminUserName = "admin";

    /// <summary>Environment name the app runs under in tests.</summary>
    public const string EnvironmentName = "Testing";

    private static readonly string SqliteDirectory = Path.Combine(Path.GetTempPath(), "schedario-tests");

    private readonly SemaphoreSlim databaseGate = new(1, 1);
    private string? connectionString;
    private int cleanedUp;

    public SchedarioAppFactory(DbProvider provider, bool demoData = false)
    {
        Provider = provider;
        DemoData = demoData;
        if (provider == DbProvider.Sqlite)
        {
            Directory.CreateDirectory(SqliteDirectory);
            SqliteFile = Path.Combine(SqliteDirectory, $"{Guid.NewGuid():N}.db");
            connectionString = $"Data Source={SqliteFile}";
        }
    }

    /// <summary>
    /// A second app node on the same PostgreSQL database as <paramref name="sameDatabaseAs"/>, as two
    /// instances behind a load balancer run; the database stays the first node's to drop.
    /// </summary>
    public SchedarioAppFactory(SchedarioAppFactory sameDatabaseAs)
    {
        if (sameDatabaseAs.Provider != DbProvider.Postgres) throw new ArgumentException("Several nodes share a PostgreSQL database.", nameof(sameDatabaseAs));
        Provider = DbProvider.Postgres;
        connectionString = sameDatabaseAs.ConnectionString;
        ownsDatabase = false;
    }

    private readonly bool ownsDatabase = true;

    public DbProvider Provider { get; }

    public bool DemoData { get; }

    /// <summary>The SQLite database file, or null on PostgreSQL.</summary>
    public string? SqliteFile { get; }

    /// <summary>
    /// The connection string the app is given (<c>ConnectionStrings:Schedario</c>); on PostgreSQL
    /// the database is created on first use, so prefer <see cref="StartAsync"/> first.
    /// </summary>
    public string ConnectionString => connectionString ?? EnsureDatabaseAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Creates the database (if not yet) and starts the app, which applies its migrations and seeds.
    /// Optional: the first <c>CreateClient</c> or <c>Services</c> does the same, synchronously.
    /// </summary>
    public async Task StartAsync()
    {
        await EnsureDatabaseAsync().ConfigureAwait(false);
        // Building the host runs the app's start-up synchronously; keep it off the test's thread.
        await Task.Run(() => _ = Services).ConfigureAwait(false);
    }

    /// <summary>An HttpClient that sends a bearer token for this user (no automatic redirects).</summary>
    public async Task<HttpClient> CreateClientAsAsync(string userName, string password)
    {
        var token = await GetTokenAsync(userName, password).ConfigureAwait(false);
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>An HttpClient authenticated as <c>admin</c>.</summary>
    public Task<HttpClient> CreateAdminClientAsync() => CreateClientAsAsync(AdminUserName, AdminPassword);

    /// <summary>Asks <c>POST /api/v1/auth/token</c> for an access token; throws with the response if refused.</summary>
    public async Task<string> GetTokenAsync(string userName, string password)
    {
        using var anonymous = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName, password }).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Getting a token for '{userName}' failed: {(int)response.StatusCode} {response.ReasonPhrase}. {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("accessToken", out var token) && token.GetString() is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The token response for '{userName}' has no accessToken: {body}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var database = connectionString ?? EnsureDatabaseAsync().GetAwaiter().GetResult();
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Schedario", database);
        builder.UseSetting("Schedario:DemoData", DemoData ? "true" : "false");
        // Tests log in far faster than people; the limit itself has its own test.
        builder.UseSetting("Schedario:LoginAttemptsPerMinute", "100000");
        builder.UseSetting("Schedario:AdminPassword", AdminPassword);
        // Static web assets (MudBlazor's _content/, scoped CSS) are wired only in Development by
        // default; tests run as "Testing" and the browser tests need them.
        builder.UseStaticWebAssets();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await CleanUpAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private async Task<string> EnsureDatabaseAsync()
    {
        if (connectionString is { } ready)
            return ready;
        await databaseGate.WaitAsync().ConfigureAwait(false);
        try
        {
            return connectionString ??= await PostgresServer.CreateDatabaseAsync().ConfigureAwait(false);
        }
        finally
        {
            databaseGate.Release();
        }
    }

    private async Task CleanUpAsync()
    {
        if (Interlocked.Exchange(ref cleanedUp, 1) == 1 || !ownsDatabase)
            return;
        if (SqliteFile is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            foreach (var file in new[] { SqliteFile, SqliteFile + "-wal", SqliteFile + "-shm", SqliteFile + "-journal" })
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        else if (connectionString is not null)
        {
            await PostgresServer.DropDatabaseAsync(connectionString).ConfigureAwait(false);
        }
    }
}
