namespace Schedario.Tests.Infrastructure;

/// <summary>
/// One running app on one fresh database, shared by the tests of one class.
/// </summary>
/// <example>
/// Write an integration test class once, as an abstract generic base, and run it on both databases
/// with one sealed line each:
/// <code>
/// public abstract class CustomerApiTests&lt;TFixture&gt;(TFixture fixture) : IClassFixture&lt;TFixture&gt;
///     where TFixture : class, IAppFixture
/// {
///     [Fact]
///     public async Task Lists_customers()
///     {
///         using var client = await fixture.Factory.CreateAdminClientAsync();
///         var response = await client.GetAsync("/api/v1/customers");
///         Assert.Equal(HttpStatusCode.OK, response.StatusCode);
///     }
/// }
///
/// public sealed class CustomerApiTests_Sqlite(SqliteAppFixture f) : CustomerApiTests&lt;SqliteAppFixture&gt;(f);
/// public sealed class CustomerApiTests_Postgres(PostgresAppFixture f) : CustomerApiTests&lt;PostgresAppFixture&gt;(f);
/// </code>
/// The fixture starts the app (migrations and seeding included) before the class's first test and
/// disposes it, deleting its database, after the last. Tests of one class share that database, so
/// each test makes its own records (unique names) rather than counting on an empty table.
/// For demo data, derive a fixture: <c>public sealed class SqliteDemoFixture() : AppFixture(DbProvider.Sqlite, demoData: true);</c>
/// </example>
public interface IAppFixture
{
    SchedarioAppFactory Factory { get; }

    DbProvider Provider { get; }
}

/// <summary>Base of the class fixtures: owns one <see cref="SchedarioAppFactory"/>.</summary>
public abstract class AppFixture(DbProvider provider, bool demoData = false) : IAppFixture, IAsyncLifetime
{
    public SchedarioAppFactory Factory { get; } = new(provider, demoData);

    public DbProvider Provider => provider;

    public virtual Task InitializeAsync() => Factory.StartAsync();

    public virtual async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The app on a fresh SQLite file, without demo data.</summary>
public sealed class SqliteAppFixture() : AppFixture(DbProvider.Sqlite);

/// <summary>The app on a fresh PostgreSQL database, without demo data.</summary>
public sealed class PostgresAppFixture() : AppFixture(DbProvider.Postgres);
